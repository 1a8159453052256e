-- Table 14 (省直部门好差评情况统计表) for the snapshot: the 好差评 metrics of int_evaluations_by_unit
-- for every provincial department with published items, ordered by 主动评价覆盖事项率 descending.
-- One row per provincial department (unit_code = dept_id), plus the 合计 row (unit_code 'TOTAL').
select
    {{ snapshot_date() }} as snapshot_date,
    scope,
    {{ print_order('item_coverage desc nulls last') }} as print_order,
    unit_code,
    unit_name,
    is_total,
    active_evals,
    completed_cases,
    {{ ratio_columns('active_eval_rate') }},
    {{ ratio_columns('eval_completeness') }},
    {{ ratio_columns('item_coverage') }},
    {{ ratio_columns('rectify_on_time') }}
from {{ ref('int_evaluations_by_unit') }}
where scope = 'province_dept'

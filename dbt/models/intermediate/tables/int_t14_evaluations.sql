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
    active_eval_rate,
    active_eval_rate_text,
    active_eval_rate_numerator,
    active_eval_rate_denominator,
    eval_completeness,
    eval_completeness_text,
    eval_completeness_numerator,
    eval_completeness_denominator,
    item_coverage,
    item_coverage_text,
    item_coverage_numerator,
    item_coverage_denominator,
    rectify_on_time,
    rectify_on_time_text,
    rectify_on_time_numerator,
    rectify_on_time_denominator
from {{ ref('int_evaluations_by_unit') }}
where scope = 'province_dept'

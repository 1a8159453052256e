-- Table 15 (省辖市、省直管县（市）好差评情况统计表) for the snapshot: the 好差评 metrics of
-- int_evaluations_by_unit plus 主动评价覆盖部门率, per city (含县区, scope city_total: a
-- direct-admin county's departments are not in its city) and per 省直管县（市） (direct_county),
-- ordered by 主动评价覆盖事项率 descending.
-- One row per (scope, unit_code = region_code), plus the 合计 row (unit_code 'TOTAL') of each scope.
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
    {{ ratio_columns('dept_coverage') }},
    {{ ratio_columns('rectify_on_time') }}
from {{ ref('int_evaluations_by_unit') }}
where scope in ('city_total', 'direct_county')

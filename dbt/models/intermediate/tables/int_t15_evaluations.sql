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
    dept_coverage,
    dept_coverage_text,
    dept_coverage_numerator,
    dept_coverage_denominator,
    rectify_on_time,
    rectify_on_time_text,
    rectify_on_time_numerator,
    rectify_on_time_denominator
from {{ ref('int_evaluations_by_unit') }}
where scope in ('city_total', 'direct_county')

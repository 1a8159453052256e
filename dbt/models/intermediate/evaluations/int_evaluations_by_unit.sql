-- 好差评 metrics of tables 14 (province_dept) and 15 (city_total, direct_county), written once:
-- per unit the counts, the ratios (unrounded), their texts as printed, numerators and
-- denominators, and the print order within the scope (主动评价覆盖事项率 descending, no rate last,
-- ties by unit order; 合计 last). Table 15 prints every column, table 14 all but dept_coverage.
-- One row per (scope, unit_code) of the three scopes, plus the 合计 row (unit_code 'TOTAL') of each.
-- 差评按期整改率 = on-time rectified / (差评 − 差评 pending and not yet due): overdue-open 差评 are late.
with by_unit as (
    {{ metrics_by_unit(
        ref('int_evaluations_by_dept'),
        scopes=['province_dept', 'city_total', 'direct_county'],
        measures={
            'active_evals': 'sum(active_evals)',
            'completed_cases': 'sum(completed_cases)',
            'known_case_evals': 'sum(known_case_evals)',
            'items': 'sum(items)',
            'evaluated_items': 'sum(evaluated_items)',
            'depts_with_items': 'count(*) filter (where has_items)',
            'evaluated_depts': 'count(*) filter (where is_evaluated_dept)',
            'bad_evals': 'sum(bad_evals)',
            'bad_rectified_on_time': 'sum(bad_rectified_on_time)',
            'bad_rectify_denominator': 'sum(bad_evals - bad_pending_not_due)',
        },
    ) }}
),

rates as (
    select
        by_unit.*,
        -- 主动评价率 (may exceed 1)
        {{ ratio_columns('active_eval_rate', 'active_evals', 'completed_cases') }},
        -- 主动评价数据完整性
        {{ ratio_columns('eval_completeness', 'known_case_evals', 'active_evals') }},
        -- 主动评价覆盖事项率
        {{ ratio_columns('item_coverage', 'evaluated_items', 'items') }},
        -- 主动评价覆盖部门率 (table 15 only)
        {{ ratio_columns('dept_coverage', 'evaluated_depts', 'depts_with_items') }},
        -- 差评按期整改率
        {{ ratio_columns('rectify_on_time', 'bad_rectified_on_time', 'bad_rectify_denominator') }}
    from by_unit
)

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
from rates

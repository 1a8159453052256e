-- Table 18 (省辖市分厅事项接入情况) for the snapshot: per city (scope city, every city), the
-- branch-hall items, their completion of the target and the non-query items. One row per
-- (scope city, unit_code = region_code), 合计 (unit_code 'TOTAL') last: Σ items / Σ targets and
-- Σ non-query / Σ items (ratios of sums). Both percentages print truncated (percent_floor).
with by_unit as (
    select
        'city' as scope,
        case when grouping(region_code) = 1 then 'TOTAL' else region_code end as unit_code,
        case when grouping(region_code) = 1 then '合计' else any_value(region_name) end as unit_name,
        case when grouping(region_code) = 1 then null else any_value(unit_order) end as unit_order,
        grouping(region_code) = 1 as is_total,
        sum(items) as items,
        sum(non_query_items) as non_query_items,
        sum(target_items) as target_items
    from {{ ref('int_branch_hall_city_items') }}
    group by grouping sets ((region_code), ())
)

select
    {{ snapshot_date() }} as snapshot_date,
    scope,
    {{ print_order() }} as print_order,
    unit_code,
    unit_name,
    is_total,
    cast(items as bigint) as items,
    cast(target_items as bigint) as target_items,
    {{ ratio_columns('target_completion', 'cast(items as bigint)', 'cast(target_items as bigint)',
                     text='percent_floor_text') }},
    cast(non_query_items as bigint) as non_query_items,
    {{ ratio_columns('non_query_share', 'cast(non_query_items as bigint)', 'cast(items as bigint)',
                     text='percent_floor_text') }}
from by_unit

-- Table 2 (省辖市流程内容详实率) for the snapshot, wide as printed: per city, the share of
-- process-complete items (int_item_process_completeness) of 市本级 (city_level) and of
-- 所辖县（市、区） (city_counties). A city without non-direct-admin counties (济源示范区)
-- has no city_counties unit: its counties_* columns are NULL and print '-'.
-- One row per city (scope city_level, unit_code = region_code), plus 合计 (unit_code 'TOTAL',
-- each column the ratio of sums over its scope). Print order: region code.
with city_level as (
    {{ metrics_by_unit(
        ref('int_item_process_completeness'),
        scopes=['city_level'],
        measures={
            'items': 'count(*)',
            'complete_items': 'count(*) filter (where is_process_complete)',
        },
    ) }}
),

city_counties as (
    {{ metrics_by_unit(
        ref('int_item_process_completeness'),
        scopes=['city_counties'],
        measures={
            'items': 'count(*)',
            'complete_items': 'count(*) filter (where is_process_complete)',
        },
    ) }}
),

by_unit as (
    select
        city_level.scope,
        city_level.unit_code,
        city_level.unit_name,
        city_level.unit_order,
        city_level.is_total,
        city_level.items as level_items,
        city_level.complete_items as level_complete_items,
        city_counties.unit_code is not null as has_counties,
        city_counties.items as counties_items,
        city_counties.complete_items as counties_complete_items
    from city_level
    left join city_counties on city_level.unit_code = city_counties.unit_code
)

select
    {{ snapshot_date() }} as snapshot_date,
    scope,
    {{ print_order() }} as print_order,
    unit_code,
    unit_name,
    is_total,
    has_counties,
    level_items,
    level_complete_items,
    {{ ratio_columns('level_process_complete', 'level_complete_items', 'level_items') }},
    counties_items,
    counties_complete_items,
    {{ ratio_columns('counties_process_complete', 'counties_complete_items', 'counties_items') }}
from by_unit

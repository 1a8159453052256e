-- Items connected to each city's branch hall (分厅, CONTRACT §3 branch_hall_items) and the
-- city's target (var t18_branch_hall_target, default 60 items per city). One row per city of
-- regions (every city, none left out: a city without items has 0). Keyed by region_code:
-- branch-hall items belong to a city, not to a department.
with cities as (
    select
        unit_code as region_code,
        unit_name as region_name,
        unit_order
    from {{ ref('int_units') }}
    where scope = 'city_level'
),

items as (
    select
        region_code,
        item_code,
        bool_or(coalesce(is_query, false)) as is_query
    from {{ ref('stg_branch_hall_items') }}
    group by region_code, item_code
)

select
    cities.region_code,
    cities.region_name,
    cities.unit_order,
    count(items.item_code) as items,
    count(items.item_code) filter (where not items.is_query) as non_query_items,
    cast({{ var('t18_branch_hall_target', 60) }} as integer) as target_items
from cities
left join items on cities.region_code = items.region_code
group by cities.region_code, cities.region_name, cities.unit_order

-- The reporting units of every scope as of the snapshot (CONTRACT §4), for analysts to join the
-- marts on, with the city each belongs to. One row per (snapshot_date, scope, unit_code).
with regions as (
    select
        region_code,
        region_name,
        level,
        parent_code
    from {{ ref('stg_regions') }}
),

units as (
    select
        units.*,
        case
            when regions.level = 'city' then regions.region_code
            when regions.level = 'county' then regions.parent_code
        end as city_code
    from {{ ref('int_units') }} as units
    left join regions on units.region_code = regions.region_code
)

select
    {{ snapshot_date() }} as snapshot_date,
    units.scope,
    units.unit_code,
    units.unit_name,
    units.region_code,
    units.city_code,
    cities.region_name as city_name,
    units.unit_order,
    units.has_published_items,
    units.on_roster
from units
left join regions as cities on units.city_code = cities.region_code

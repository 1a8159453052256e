-- Resident population of the region units (CONTRACT §4) for per-head metrics: the figure of
-- the year BEFORE the snapshot's year (population_year), as delivered with the snapshot.
-- One row per (scope, unit_code) of scopes city_area (the city's figure), city_total (the
-- city's figure minus its direct-admin counties' figures; NULL when one of those is missing)
-- and direct_county (the county's figure). resident_population NULL when no figure.
with regions as (
    select
        region_code,
        level,
        parent_code,
        direct_admin
    from {{ ref('stg_regions') }}
),

population as (
    select
        region_code,
        resident_population
    from {{ ref('stg_population') }}
    where year = extract(year from {{ snapshot_date() }}) - 1
),

cities as (
    select
        regions.region_code,
        population.resident_population
    from regions
    left join population on regions.region_code = population.region_code
    where regions.level = 'city'
),

direct_counties as (
    select
        regions.region_code,
        regions.parent_code,
        population.resident_population
    from regions
    left join population on regions.region_code = population.region_code
    where regions.level = 'county' and regions.direct_admin
),

direct_counties_by_city as (
    select
        parent_code as city_code,
        sum(resident_population) as resident_population,
        count(*) = count(resident_population) as all_known
    from direct_counties
    group by parent_code
)

select
    'city_area' as scope,
    region_code as unit_code,
    cast(extract(year from {{ snapshot_date() }}) - 1 as integer) as population_year,
    resident_population
from cities

union all
select
    'city_total' as scope,
    cities.region_code,
    cast(extract(year from {{ snapshot_date() }}) - 1 as integer),
    case
        when direct_counties_by_city.city_code is null then cities.resident_population
        when direct_counties_by_city.all_known
            then cities.resident_population - direct_counties_by_city.resident_population
    end as resident_population
from cities
left join direct_counties_by_city on cities.region_code = direct_counties_by_city.city_code

union all
select
    'direct_county' as scope,
    region_code,
    cast(extract(year from {{ snapshot_date() }}) - 1 as integer),
    resident_population
from direct_counties

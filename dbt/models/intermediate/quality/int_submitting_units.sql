-- Which unit submitted a row, from the row's own dept_id or, failing that, its region_code: the
-- province's partition into provincial departments (province_dept), cities with their ordinary
-- counties (city_total) and direct-admin counties (direct_county), as tables 14–17 count.
-- One row per (attributed_by, code): attributed_by 'dept_id' or 'region_code'.
with units as (
    {{ listed_units(['province_dept', 'city_total', 'direct_county']) }}
),

regions as (
    select
        region_code,
        level,
        parent_code,
        coalesce(direct_admin, false) as direct_admin
    from {{ ref('stg_regions') }}
)

select
    'dept_id' as attributed_by,
    members.dept_id as code,
    units.scope,
    units.unit_code,
    units.unit_name
from {{ ref('int_unit_departments') }} as members
inner join units on members.scope = units.scope and members.unit_code = units.unit_code

union all
select
    'region_code' as attributed_by,
    regions.region_code,
    units.scope,
    units.unit_code,
    units.unit_name
from regions
inner join units
    on
        (units.scope = 'direct_county' and regions.direct_admin and regions.region_code = units.unit_code)
        or (
            units.scope = 'city_total' and not regions.direct_admin and units.unit_code
            = case
                when regions.level = 'city' then regions.region_code
                when regions.level = 'county' then regions.parent_code
            end
        )

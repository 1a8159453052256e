-- Reporting units of every scope (CONTRACT §4), with their name, print order and roster flags.
-- One row per (scope, unit_code). unit_code: dept_id (province_dept) or region_code.
with regions as (
    select
        region_code,
        region_name,
        level,
        parent_code,
        direct_admin
    from {{ ref('stg_regions') }}
),

departments as (
    select
        dept_id,
        dept_name,
        region_code,
        source_file,
        source_line
    from {{ ref('stg_departments') }}
),

published_items_by_dept as (
    select
        dept_id,
        count(*) as published_items
    from {{ ref('int_published_items') }}
    group by dept_id
),

province_license_issuers as (
    select distinct issuer_dept_id as dept_id
    from {{ ref('stg_license_types') }}
    where level = 'province' and issuer_dept_id is not null
),

cities as (
    select
        region_code,
        region_name
    from regions
    where level = 'city'
),

cities_with_counties as (
    select
        cities.region_code,
        cities.region_name
    from cities
    where exists (
        select 1
        from regions as counties
        where
            counties.level = 'county'
            and counties.parent_code = cities.region_code
            and not counties.direct_admin
    )
),

units as (
    select
        'province_dept' as scope,
        departments.dept_id as unit_code,
        departments.dept_name as unit_name,
        departments.region_code,
        row_number() over (order by departments.source_file, departments.source_line) as unit_order
    from departments
    inner join regions
        on departments.region_code = regions.region_code and regions.level = 'province'

    union all
    select
        scopes.scope,
        cities.region_code as unit_code,
        cities.region_name as unit_name,
        cities.region_code,
        row_number() over (partition by scopes.scope order by cities.region_code) as unit_order
    from cities
    cross join (values ('city_level'), ('city_total'), ('city_area')) as scopes (scope)

    union all
    select
        'city_counties' as scope,
        region_code as unit_code,
        region_name as unit_name,
        region_code,
        row_number() over (order by region_code) as unit_order
    from cities_with_counties

    union all
    select
        'direct_county' as scope,
        region_code as unit_code,
        region_name as unit_name,
        region_code,
        row_number() over (order by region_code) as unit_order
    from regions
    where level = 'county' and direct_admin
),

unit_items as (
    select
        members.scope,
        members.unit_code,
        sum(published_items_by_dept.published_items) as published_items
    from {{ ref('int_unit_departments') }} as members
    inner join published_items_by_dept on members.dept_id = published_items_by_dept.dept_id
    group by members.scope, members.unit_code
)

select
    units.scope,
    units.unit_code,
    units.unit_name,
    units.region_code,
    cast(units.unit_order as integer) as unit_order,
    coalesce(unit_items.published_items, 0) > 0 as has_published_items,
    units.scope = 'province_dept'
    and units.unit_code in (
        select issuers.dept_id from province_license_issuers as issuers
    ) as issues_province_license_types,
    case
        when units.scope = 'province_dept' then coalesce(unit_items.published_items, 0) > 0
        else true
    end as on_roster
from units
left join unit_items
    on units.scope = unit_items.scope and units.unit_code = unit_items.unit_code

-- Membership of departments in reporting units (CONTRACT §4).
-- One row per (scope, unit_code, dept_id). unit_code is the dept_id for province_dept and
-- the region_code of the city / direct-admin county for the region scopes.
with departments as (
    select
        dept_id,
        region_code
    from {{ ref('stg_departments') }}
),

regions as (
    select
        region_code,
        level,
        parent_code,
        direct_admin
    from {{ ref('stg_regions') }}
),

department_regions as (
    select
        departments.dept_id,
        regions.region_code,
        regions.level,
        regions.parent_code,
        regions.direct_admin
    from departments
    inner join regions on departments.region_code = regions.region_code
),

-- the geographic city of every city-or-county department, and which part of it
city_parts as (
    select
        dept_id,
        case when level = 'city' then region_code else parent_code end as city_code,
        case
            when level = 'city' then 'city_level'
            when direct_admin then 'direct_county'
            else 'city_counties'
        end as part,
        region_code
    from department_regions
    where level in ('city', 'county')
)

select
    'province_dept' as scope,
    dept_id as unit_code,
    dept_id
from department_regions
where level = 'province'

union all
-- 市本级 and 所辖县（市、区） (non-direct-admin counties), by city
select
    part as scope,
    city_code as unit_code,
    dept_id
from city_parts
where part in ('city_level', 'city_counties')

union all
-- 含县区 = 市本级 ∪ 所辖县（市、区）
select
    'city_total' as scope,
    city_code as unit_code,
    dept_id
from city_parts
where part in ('city_level', 'city_counties')

union all
-- 行政区划内 = 含县区 ∪ the direct-admin counties whose parent_code is the city
select
    'city_area' as scope,
    city_code as unit_code,
    dept_id
from city_parts

union all
-- 省直管县（市）: the county itself
select
    'direct_county' as scope,
    region_code as unit_code,
    dept_id
from city_parts
where part = 'direct_county'

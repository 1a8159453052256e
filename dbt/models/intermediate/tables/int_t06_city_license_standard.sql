-- Table 6 (国家电子证照工程标准市级落实情况) for the snapshot: every city-level licence type under
-- the national engineering standard and its status over every city of regions; a city has
-- licences of a type when a department of its city_area (行政区划内) has conformant licences
-- of it. One row per (scope license_type, unit_code = type_code); no 合计.
-- Print order: the responsibility list's order.
with types as (
    select
        type_code,
        type_name,
        issuer_category,
        row_number() over (order by source_file, source_line) as type_order
    from {{ ref('stg_license_types') }}
    where level = 'city' and national_standard
),

cities as (
    select unit_code as city_code
    from {{ ref('int_units') }}
    where scope = 'city_area'
),

conformant_type_cities as (
    select distinct
        stats.type_code,
        members.unit_code as city_code
    from {{ ref('stg_license_stats') }} as stats
    inner join {{ ref('int_unit_departments') }} as members
        on members.scope = 'city_area' and stats.issuer_dept_id = members.dept_id
    where stats.conformant_count > 0
),

by_type as (
    select
        types.type_code,
        types.type_name,
        types.issuer_category,
        types.type_order,
        (select count(*) from cities) as cities,
        count(conformant.city_code) as conformant_cities
    from types
    left join conformant_type_cities on types.type_code = conformant_type_cities.type_code
    left join cities as conformant on conformant_type_cities.city_code = conformant.city_code
    group by types.type_code, types.type_name, types.issuer_category, types.type_order
)

select
    {{ snapshot_date() }} as snapshot_date,
    'license_type' as scope,
    cast(row_number() over (order by type_order) as integer) as print_order,
    type_code as unit_code,
    type_name as unit_name,
    false as is_total,
    issuer_category,
    cities,
    conformant_cities,
    case
        when conformant_cities = 0 then '各市均未制出'
        when conformant_cities = cities then '各市均已制作部分证照'
        else '部分市已生成部分证照'
    end as status
from by_type

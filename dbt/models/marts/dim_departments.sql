-- Departments as of the snapshot, with their region and city, for analysts to join the marts and
-- the raw views on. One row per (snapshot_date, dept_id).
with regions as (
    select
        region_code,
        region_name,
        level,
        parent_code,
        direct_admin
    from {{ ref('stg_regions') }}
)

select
    d.snapshot_date,
    d.dept_id,
    d.dept_name,
    d.region_code,
    r.region_name,
    r.level as region_level,
    case r.level when 'city' then r.region_code when 'county' then r.parent_code end as city_code,
    coalesce(r.direct_admin, false) as direct_admin,
    d.uscc,
    d.is_tax
from {{ ref('stg_departments') }} as d
left join regions as r on d.region_code = r.region_code

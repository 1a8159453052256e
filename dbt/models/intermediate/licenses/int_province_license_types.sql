-- Province-level e-licence types of the responsibility list with their library counts
-- (CONTRACT §3): one row per province-level type (type_code). The counts are the
-- license_stats row(s) of the type and its issuing department; none: 0.
with types as (
    select
        type_code,
        type_name,
        issuer_dept_id,
        national_standard,
        row_number() over (order by source_file, source_line) as type_order
    from {{ ref('stg_license_types') }}
    where level = 'province'
),

stats as (
    select
        type_code,
        issuer_dept_id,
        sum(issued_count) as issued_count,
        sum(sealed_count) as sealed_count,
        sum(conformant_count) as conformant_count
    from {{ ref('stg_license_stats') }}
    group by type_code, issuer_dept_id
)

select
    types.type_code,
    types.type_name,
    types.issuer_dept_id,
    departments.dept_name as issuer_dept_name,
    types.national_standard,
    cast(types.type_order as integer) as type_order,
    coalesce(stats.issued_count, 0) as issued_count,
    coalesce(stats.sealed_count, 0) as sealed_count,
    coalesce(stats.conformant_count, 0) as conformant_count
from types
left join stats
    on types.type_code = stats.type_code and types.issuer_dept_id = stats.issuer_dept_id
left join {{ ref('stg_departments') }} as departments
    on types.issuer_dept_id = departments.dept_id

-- E-licence responsibility list as of the snapshot: one row per type_code.
select
    snapshot_date,
    type_code,
    type_name,
    level,
    issuer_dept_id,
    issuer_category,
    coalesce(national_standard, false) as national_standard,
    _file as source_file,
    _line as source_line
from {{ source('raw', 'license_types') }}
where snapshot_date = {{ snapshot_date() }}

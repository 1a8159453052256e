-- E-licence library counts as of the snapshot: one row per (type_code, issuer_dept_id).
select
    snapshot_date,
    type_code,
    issuer_dept_id,
    issued_count,
    sealed_count,
    conformant_count,
    _file as source_file,
    _line as source_line
from {{ source('raw', 'license_stats') }}
where snapshot_date = {{ snapshot_date() }}

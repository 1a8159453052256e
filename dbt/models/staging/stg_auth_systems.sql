-- Business systems and SSO status as of the snapshot: one row per system_id.
select
    snapshot_date,
    system_id,
    system_name,
    dept_id,
    url,
    integration_started,
    integrated,
    _file as source_file,
    _line as source_line
from {{ source('raw', 'auth_systems') }}
where snapshot_date = {{ snapshot_date() }}

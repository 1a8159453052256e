-- Electronic seals as of the snapshot: one row per seal_id.
select
    snapshot_date,
    seal_id,
    dept_id,
    uscc,
    status,
    created_at,
    _file as source_file,
    _line as source_line
from {{ source('raw', 'e_seals') }}
where snapshot_date = {{ snapshot_date() }}

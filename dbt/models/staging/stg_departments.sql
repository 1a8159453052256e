-- Departments as of the snapshot: one row per dept_id. source_file/source_line give the reference order.
select
    snapshot_date,
    dept_id,
    dept_name,
    region_code,
    uscc,
    coalesce(is_tax, false) as is_tax,
    _file as source_file,
    _line as source_line
from {{ source('raw', 'departments') }}
where snapshot_date = {{ snapshot_date() }}

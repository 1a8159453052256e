-- Regions as of the snapshot: one row per region_code.
select
    snapshot_date,
    region_code,
    region_name,
    level,
    parent_code,
    coalesce(direct_admin, false) as direct_admin,
    _file as source_file,
    _line as source_line
from {{ source('raw', 'regions') }}
where snapshot_date = {{ snapshot_date() }}

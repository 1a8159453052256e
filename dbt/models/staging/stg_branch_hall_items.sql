-- Branch-hall (分厅) items as of the snapshot: one row per (region_code, item_code).
select
    snapshot_date,
    region_code,
    item_code,
    item_name,
    is_query,
    online_at,
    _file as source_file,
    _line as source_line
from {{ source('raw', 'branch_hall_items') }}
where snapshot_date = {{ snapshot_date() }}

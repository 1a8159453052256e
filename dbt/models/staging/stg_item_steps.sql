-- Handling steps as of the snapshot: one row per (item_code, step_no).
select
    snapshot_date,
    item_code,
    cast(step_no as integer) as step_no,
    step_name,
    handler,
    time_limit_days,
    review_criteria,
    _file as source_file,
    _line as source_line
from {{ source('raw', 'item_steps') }}
where snapshot_date = {{ snapshot_date() }}

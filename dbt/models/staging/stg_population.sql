-- Resident population as of the snapshot: one row per (region_code, year).
select
    snapshot_date,
    region_code,
    cast(year as integer) as year,
    resident_population,
    _file as source_file,
    _line as source_line
from {{ source('raw', 'population') }}
where snapshot_date = {{ snapshot_date() }}

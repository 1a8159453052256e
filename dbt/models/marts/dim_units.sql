-- The reporting units of every scope as of the snapshot (CONTRACT §4), for analysts to join the
-- marts on. One row per (snapshot_date, scope, unit_code).
select
    {{ snapshot_date() }} as snapshot_date,
    scope,
    unit_code,
    unit_name,
    region_code,
    unit_order,
    has_published_items,
    on_roster
from {{ ref('int_units') }}

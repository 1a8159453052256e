-- A table, not a view: the as-of merge is the costliest read of the lake (a window over every
-- version delivered this year), and the data tests, the intermediate models and the checks
-- read its result several times. Personal columns (pseudonymised) stay in the lake, reachable
-- through the published raw views; no model reads them, so the merge does not carry them.
{{ config(materialized='table') }}
-- Tickets (咨询投诉) as of the snapshot: one row per ticket_id, its newest version delivered up to the snapshot.
-- Versions merged as of the snapshot by event_versions_as_of() (newest updated_at wins).
with latest as (
    {{ event_versions_as_of(source('raw', 'tickets'), key='ticket_id',
                            columns=['kind', 'dept_id', 'received_at', 'due_at', 'closed_at']) }}
)

select
    {{ snapshot_date() }} as snapshot_date,
    latest.ticket_id,
    latest.kind,
    latest.dept_id,
    latest.received_at,
    latest.due_at,
    latest.closed_at,
    latest.updated_at,
    latest.snapshot_date as delivered_snapshot_date,
    latest._file as source_file,
    latest._line as source_line
from latest

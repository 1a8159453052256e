-- A table, not a view: the as-of merge is the costliest read of the lake (a window over every
-- version delivered this year), and the data tests, the intermediate models and the checks
-- read its result several times. Personal columns (pseudonymised) stay in the lake, reachable
-- through the published raw views; no model reads them, so the merge does not carry them.
{{ config(materialized='table') }}
-- Cases (办件) as of the snapshot: one row per case_id, its newest version delivered up to the snapshot.
-- Versions merged as of the snapshot by event_versions_as_of() (newest updated_at wins).
with latest as (
    {{ event_versions_as_of(source('raw', 'cases'), key='case_id',
                            columns=['item_code', 'dept_id', 'channel', 'accepted_at', 'completed_at', 'qc_passed']) }}
)

select
    {{ snapshot_date() }} as snapshot_date,
    latest.case_id,
    latest.item_code,
    latest.dept_id,
    latest.channel,
    latest.accepted_at,
    latest.completed_at,
    latest.qc_passed,
    latest.updated_at,
    latest.snapshot_date as delivered_snapshot_date,
    latest._file as source_file,
    latest._line as source_line
from latest

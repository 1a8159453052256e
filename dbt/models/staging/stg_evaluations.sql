-- A table, not a view: the as-of merge is the costliest read of the lake (a window over every
-- version delivered this year), and the data tests, the intermediate models and the checks
-- read its result several times. Personal columns (pseudonymised) stay in the lake, reachable
-- through the published raw views; no model reads them, so the merge does not carry them.
{{ config(materialized='table') }}
-- Evaluations (好差评) as of the snapshot: one row per eval_id, its newest version delivered up to the snapshot.
-- Versions merged as of the snapshot by event_versions_as_of() (newest updated_at wins).
with latest as (
    {{ event_versions_as_of(source('raw', 'evaluations'), key='eval_id',
                            columns=['case_id', 'item_code', 'dept_id', 'source', 'rating', 'evaluated_at', 'rectify_due_at', 'rectified_at']) }}
)

select
    {{ snapshot_date() }} as snapshot_date,
    latest.eval_id,
    latest.case_id,
    latest.item_code,
    latest.dept_id,
    latest.source,
    cast(rating as integer) as rating,
    latest.evaluated_at,
    latest.rectify_due_at,
    latest.rectified_at,
    latest.updated_at,
    latest.snapshot_date as delivered_snapshot_date,
    latest._file as source_file,
    latest._line as source_line
from latest

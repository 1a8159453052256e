-- A view, not a table: a filtered projection of stg_cases, which its four readers scan by
-- column at no more cost than a copy would take to read, and a copy of a full province's
-- 117 M cases would take gigabytes of the build's disk.
{{ config(materialized='view') }}
-- Cases accepted in the YTD window ("2020年以来", CONTRACT §1) of the snapshot.
-- One row per case (case_id) with accepted_at in [Jan 1 00:00:00, snapshot 23:59:59].
select
    snapshot_date,
    case_id,
    item_code,
    dept_id,
    channel,
    channel in ('online', 'mobile') as is_online,
    qc_passed,
    accepted_at,
    completed_at,
    coalesce(completed_at <= {{ snapshot_end() }}, false) as is_completed
from {{ ref('stg_cases') }}
where {{ is_in_ytd('accepted_at') }}

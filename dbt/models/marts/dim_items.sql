-- Service items (发布库) as of the snapshot, published or not, for analysts to join the marts and
-- the raw views on. One row per (snapshot_date, item_code).
select
    snapshot_date,
    item_code,
    item_name,
    dept_id,
    item_type,
    published,
    handling_type,
    zero_visit,
    legal_limit_days,
    promised_limit_days,
    unified_acceptance
from {{ ref('stg_service_items') }}

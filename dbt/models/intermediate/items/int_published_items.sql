-- Published service items (only these count anywhere, CONTRACT §3), with their department
-- and type. One row per published item (item_code).
select
    items.snapshot_date,
    items.item_code,
    items.item_name,
    items.dept_id,
    items.item_type,
    items.item_type = '行政许可' as is_license,
    items.handling_type,
    items.zero_visit,
    items.legal_limit_days,
    items.promised_limit_days,
    items.result_spec,
    items.unified_acceptance
from {{ ref('stg_service_items') }} as items
where items.published

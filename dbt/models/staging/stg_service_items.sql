-- Service items (发布库) as of the snapshot, published or not: one row per item_code.
select
    snapshot_date,
    item_code,
    item_name,
    dept_id,
    item_type,
    published,
    handling_type,
    coalesce(zero_visit, false) as zero_visit,
    legal_limit_days,
    promised_limit_days,
    result_spec,
    coalesce(unified_acceptance, false) as unified_acceptance,
    _file as source_file,
    _line as source_line
from {{ source('raw', 'service_items') }}
where snapshot_date = {{ snapshot_date() }}

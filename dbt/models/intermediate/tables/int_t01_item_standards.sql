-- Table 1 (省直部门事项标准化情况) for the snapshot: per provincial department (province_dept),
-- the share of 不见面审批 items, the share of 即办件 among 行政许可 items, and the time
-- compression of 行政许可 items = Σ(legal − promised) / Σ legal over 行政许可 items with
-- legal_limit_days > 0 and promised_limit_days set. Print order: department order.
-- One row per (scope, unit_code = dept_id), plus 合计 (unit_code 'TOTAL').
with by_unit as (
    {{ metrics_by_unit(
        ref('int_published_items'),
        scopes=['province_dept'],
        measures={
            'items': 'count(*)',
            'zero_visit_items': 'count(*) filter (where zero_visit)',
            'license_items': 'count(*) filter (where is_license)',
            'instant_license_items': "count(*) filter (where is_license and handling_type = '即办件')",
            'compressed_days': 'coalesce(sum(legal_limit_days - promised_limit_days) filter (where is_license and legal_limit_days > 0 and promised_limit_days is not null), 0)',
            'legal_days': 'coalesce(sum(legal_limit_days) filter (where is_license and legal_limit_days > 0 and promised_limit_days is not null), 0)',
        },
    ) }}
)

select
    {{ snapshot_date() }} as snapshot_date,
    scope,
    {{ print_order() }} as print_order,
    unit_code,
    unit_name,
    is_total,
    items,
    zero_visit_items,
    license_items,
    instant_license_items,
    compressed_days,
    legal_days,
    {{ ratio_columns('zero_visit_share', 'zero_visit_items', 'items') }},
    {{ ratio_columns('instant_share_license', 'instant_license_items', 'license_items') }},
    {{ ratio_columns('time_compression_license', 'compressed_days', 'legal_days') }}
from by_unit

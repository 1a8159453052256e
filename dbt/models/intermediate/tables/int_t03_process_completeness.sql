-- Table 3 (省直管县（市）流程内容详实率) for the snapshot: per direct-admin county
-- (direct_county), the share of process-complete items (int_item_process_completeness).
-- One row per (scope, unit_code = region_code), plus 合计 (unit_code 'TOTAL').
-- Print order: region code.
with by_unit as (
    {{ metrics_by_unit(
        ref('int_item_process_completeness'),
        scopes=['direct_county'],
        measures={
            'items': 'count(*)',
            'complete_items': 'count(*) filter (where is_process_complete)',
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
    complete_items,
    {{ ratio_columns('process_complete', 'complete_items', 'items') }}
from by_unit

-- Table 8 (省辖市、省直管县（市）统一受理事项覆盖情况) for the snapshot: published items and those
-- connected to unified acceptance, per city (市本级, scope city_level) and per direct-admin
-- county (direct_county). One row per (scope, unit_code), 合计 (unit_code 'TOTAL') per scope.
with by_unit as (
    {{ metrics_by_unit(
        ref('int_published_items'),
        scopes=['city_level', 'direct_county'],
        measures={
            'items': 'count(*)',
            'ua_items': 'count(*) filter (where unified_acceptance)',
        },
    ) }}
)

select
    {{ snapshot_date() }} as snapshot_date,
    scope,
    {{ print_order('ua_items desc') }} as print_order,
    unit_code,
    unit_name,
    is_total,
    items,
    ua_items,
    {{ ratio_columns('ua_coverage', 'ua_items', 'items') }}
from by_unit

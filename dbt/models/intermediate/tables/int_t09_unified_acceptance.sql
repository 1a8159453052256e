-- Table 9 (省辖市属县（市、区）统一受理事项覆盖情况) for the snapshot: published items and those
-- connected to unified acceptance, per city over its non-direct-admin counties (scope
-- city_counties). One row per unit_code, 合计 (unit_code 'TOTAL') last.
with by_unit as (
    {{ metrics_by_unit(
        ref('int_published_items'),
        scopes=['city_counties'],
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

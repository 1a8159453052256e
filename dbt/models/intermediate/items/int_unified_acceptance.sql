-- Unified acceptance (统一受理) coverage of tables 8 and 9, written once over their scopes: per
-- unit the published items, those connected to unified acceptance and their share, and the print
-- order within the scope (ua_items descending, ties by region code; 合计 last). Scopes: every
-- city's 市本级 (city_level) and every direct-admin county (direct_county) for table 8, every
-- city's non-direct-admin counties taken together (city_counties) for table 9.
-- One row per (scope, unit_code), plus the 合计 row (unit_code 'TOTAL') of each scope.
with by_unit as (
    {{ metrics_by_unit(
        ref('int_published_items'),
        scopes=['city_level', 'direct_county', 'city_counties'],
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

-- 咨询投诉 metrics of tables 16 (province_dept) and 17 (city_total, direct_county), written once:
-- YTD tickets received per kind and the on-time rate closed_at ≤ due_at / (received − open
-- tickets not yet due), overdue-open tickets being late; and the print order within the scope
-- (投诉按期办结率 descending, no rate last, ties by unit order; 合计 last). Both tables print every column.
-- One row per (scope, unit_code) of the three scopes, plus the 合计 row (unit_code 'TOTAL') of each.
with by_unit as (
    {{ metrics_by_unit(
        ref('int_tickets_ytd'),
        scopes=['province_dept', 'city_total', 'direct_county'],
        measures={
            'consult_received': 'count(*) filter (where is_consultation)',
            'consult_closed_on_time': 'count(*) filter (where is_consultation and on_time)',
            'consult_on_time_denominator': 'count(*) filter (where is_consultation and not pending_not_due)',
            'complaint_received': 'count(*) filter (where is_complaint)',
            'complaint_closed_on_time': 'count(*) filter (where is_complaint and on_time)',
            'complaint_on_time_denominator': 'count(*) filter (where is_complaint and not pending_not_due)',
        },
    ) }}
),

rates as (
    select
        by_unit.scope,
        by_unit.unit_code,
        by_unit.unit_name,
        by_unit.unit_order,
        by_unit.is_total,
        by_unit.consult_received,
        {{ ratio_columns('consult_on_time', 'consult_closed_on_time', 'consult_on_time_denominator') }},
        by_unit.complaint_received,
        {{ ratio_columns('complaint_on_time', 'complaint_closed_on_time', 'complaint_on_time_denominator') }}
    from by_unit
)

select
    {{ snapshot_date() }} as snapshot_date,
    scope,
    {{ print_order('complaint_on_time desc nulls last') }} as print_order,
    unit_code,
    unit_name,
    is_total,
    consult_received,
    {{ ratio_columns('consult_on_time') }},
    complaint_received,
    {{ ratio_columns('complaint_on_time') }}
from rates

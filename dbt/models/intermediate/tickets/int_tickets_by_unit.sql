-- 咨询投诉 metrics of tables 16 (province_dept) and 17 (city_total, direct_county), written once:
-- YTD tickets received per kind and the on-time rate closed_at ≤ due_at / (received − open
-- tickets not yet due); overdue-open tickets are late.
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
)

select
    scope,
    unit_code,
    unit_name,
    unit_order,
    is_total,
    consult_received,
    {{ ratio('consult_closed_on_time', 'consult_on_time_denominator') }} as consult_on_time,
    {{ percent_text('consult_closed_on_time', 'consult_on_time_denominator') }} as consult_on_time_text,
    consult_closed_on_time as consult_on_time_numerator,
    consult_on_time_denominator,
    complaint_received,
    {{ ratio('complaint_closed_on_time', 'complaint_on_time_denominator') }} as complaint_on_time,
    {{ percent_text('complaint_closed_on_time', 'complaint_on_time_denominator') }} as complaint_on_time_text,
    complaint_closed_on_time as complaint_on_time_numerator,
    complaint_on_time_denominator
from by_unit

-- Table 17 (省辖市、省直管县（市）咨询投诉办理情况统计表) for the snapshot: the 咨询投诉 metrics of
-- int_tickets_by_unit per city (含县区, scope city_total) and per 省直管县（市） (direct_county),
-- ordered by 投诉按期办结率 descending (no rate last), ties by region code.
-- One row per (scope, unit_code = region_code), plus the 合计 row (unit_code 'TOTAL') of each scope.
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
from {{ ref('int_tickets_by_unit') }}
where scope in ('city_total', 'direct_county')

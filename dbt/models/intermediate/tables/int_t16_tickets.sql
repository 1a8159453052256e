-- Table 16 (省直部门咨询投诉办理情况统计表) for the snapshot: the 咨询投诉 metrics of
-- int_tickets_by_unit for every provincial department with published items, ordered by
-- 投诉按期办结率 descending (no rate last), ties by department order.
-- One row per provincial department (unit_code = dept_id), plus the 合计 row (unit_code 'TOTAL').
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
where scope = 'province_dept'

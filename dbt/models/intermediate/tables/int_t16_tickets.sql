-- Table 16 (省直部门咨询投诉办理情况统计表) for the snapshot: the province_dept rows of
-- int_tickets_by_unit, where they are computed: every provincial department with published items.
-- One row per provincial department (unit_code = dept_id), plus the 合计 row (unit_code 'TOTAL').
select * from {{ ref('int_tickets_by_unit') }}
where scope = 'province_dept'

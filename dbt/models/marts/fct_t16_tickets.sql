-- 表16 省直部门咨询投诉办理情况统计表, every snapshot (history kept; a re-run replaces its snapshot).
-- Computed in int_t16_tickets.
select * from {{ ref('int_t16_tickets') }}

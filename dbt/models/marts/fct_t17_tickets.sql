-- 表17 省辖市、省直管县（市）咨询投诉办理情况统计表, every snapshot (history kept; a re-run replaces its snapshot).
-- Computed in int_t17_tickets.
select * from {{ ref('int_t17_tickets') }}

-- 表18 省辖市分厅事项接入情况统计表, every snapshot (history kept; a re-run replaces its snapshot).
-- Computed in int_t18_branch_halls.
select * from {{ ref('int_t18_branch_halls') }}

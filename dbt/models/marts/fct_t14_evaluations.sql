-- 表14 省直部门好差评情况统计表, every snapshot (history kept; a re-run replaces its snapshot).
-- Computed in int_t14_evaluations.
select * from {{ ref('int_t14_evaluations') }}

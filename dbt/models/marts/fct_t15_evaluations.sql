-- 表15 省辖市、省直管县（市）好差评情况统计表, every snapshot (history kept; a re-run replaces its snapshot).
-- Computed in int_t15_evaluations.
select * from {{ ref('int_t15_evaluations') }}

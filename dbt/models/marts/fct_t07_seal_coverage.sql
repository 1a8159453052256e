-- 表7 省辖市电子印章部门覆盖情况统计表, every snapshot (history kept; a re-run replaces its snapshot).
-- Computed in int_t07_seal_coverage.
select * from {{ ref('int_t07_seal_coverage') }}

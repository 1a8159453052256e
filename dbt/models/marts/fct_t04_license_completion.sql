-- 表4 省直部门电子证照制作完成情况统计表, every snapshot (history kept; a re-run replaces its snapshot).
-- Computed in int_t04_license_completion.
select * from {{ ref('int_t04_license_completion') }}

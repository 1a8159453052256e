-- 表5 国家电子证照工程标准省级落实情况统计表, every snapshot (history kept; a re-run replaces its snapshot).
-- Computed in int_t05_province_license_standard.
select * from {{ ref('int_t05_province_license_standard') }}

-- 表6 国家电子证照工程标准市级落实情况统计表, every snapshot (history kept; a re-run replaces its snapshot).
-- Computed in int_t06_city_license_standard.
select * from {{ ref('int_t06_city_license_standard') }}

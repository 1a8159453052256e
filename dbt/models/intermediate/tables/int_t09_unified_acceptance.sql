-- Table 9 (省辖市属县（市、区）统一受理事项覆盖情况) for the snapshot: the city_counties rows (per
-- city, its non-direct-admin counties) of int_unified_acceptance, where they are computed.
-- One row per unit_code, 合计 (unit_code 'TOTAL') last.
select * from {{ ref('int_unified_acceptance') }}
where scope = 'city_counties'

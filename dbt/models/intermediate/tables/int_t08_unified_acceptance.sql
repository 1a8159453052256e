-- Table 8 (省辖市、省直管县（市）统一受理事项覆盖情况) for the snapshot: the city_level (市本级) and
-- direct_county rows of int_unified_acceptance, where they are computed.
-- One row per (scope, unit_code), 合计 (unit_code 'TOTAL') per scope.
select * from {{ ref('int_unified_acceptance') }}
where scope in ('city_level', 'direct_county')

-- Table 15 (省辖市、省直管县（市）好差评情况统计表) for the snapshot: the rows of
-- int_evaluations_by_unit, where they are computed, of every city 含县区 (scope city_total: a
-- direct-admin county's departments are not in its city) and every 省直管县（市） (direct_county).
-- One row per (scope, unit_code = region_code), plus the 合计 row (unit_code 'TOTAL') of each scope.
select * from {{ ref('int_evaluations_by_unit') }}
where scope in ('city_total', 'direct_county')

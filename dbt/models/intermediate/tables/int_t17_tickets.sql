-- Table 17 (省辖市、省直管县（市）咨询投诉办理情况统计表) for the snapshot: the rows of
-- int_tickets_by_unit, where they are computed, of every city 含县区 (scope city_total) and every
-- 省直管县（市） (direct_county).
-- One row per (scope, unit_code = region_code), plus the 合计 row (unit_code 'TOTAL') of each scope.
select * from {{ ref('int_tickets_by_unit') }}
where scope in ('city_total', 'direct_county')

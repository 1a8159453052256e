-- 表8 省辖市、省直管县（市）统一受理事项覆盖情况, every snapshot (history kept; a re-run replaces
-- its snapshot). Computed in int_t08_unified_acceptance.
select * from {{ ref('int_t08_unified_acceptance') }}

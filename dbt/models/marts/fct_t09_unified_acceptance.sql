-- 表9 省辖市属县（市、区）统一受理事项覆盖情况, every snapshot (history kept; a re-run replaces
-- its snapshot). Computed in int_t09_unified_acceptance.
select * from {{ ref('int_t09_unified_acceptance') }}

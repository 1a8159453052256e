-- 表12 省直部门未完成统一身份认证情况统计表, every snapshot (history kept; a re-run replaces its snapshot).
-- Computed in int_t12_open_auth_systems.
select * from {{ ref('int_t12_open_auth_systems') }}

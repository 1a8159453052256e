-- 表13 省直管县（市）未完成统一身份认证情况统计表, every snapshot (history kept; a re-run replaces its snapshot).
-- Computed in int_t13_open_auth_systems.
select * from {{ ref('int_t13_open_auth_systems') }}

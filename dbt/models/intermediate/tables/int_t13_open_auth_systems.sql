-- Table 13 (省直管县（市）未完成统一身份认证情况) for the snapshot: the systems of direct-admin
-- counties' departments (owner_scope direct_county) of int_open_auth_systems, where they are
-- computed, with every column but owner_scope. One row per (scope auth_system, unit_code =
-- system_id), unit_name = its direct-admin county; no 合计.
select {{ columns_of(ref('int_open_auth_systems'), except=['owner_scope']) }}
from {{ ref('int_open_auth_systems') }}
where owner_scope = 'direct_county'

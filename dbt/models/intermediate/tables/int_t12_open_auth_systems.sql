-- Table 12 (省直部门未完成统一身份认证情况) for the snapshot: the systems of provincial departments
-- (owner_scope province_dept) of int_open_auth_systems, where they are computed, with every
-- column but owner_scope. One row per (scope auth_system, unit_code = system_id), unit_name =
-- its provincial department; no 合计.
select {{ columns_of(ref('int_open_auth_systems'), except=['owner_scope']) }}
from {{ ref('int_open_auth_systems') }}
where owner_scope = 'province_dept'

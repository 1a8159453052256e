-- Table 12 (省直部门未完成统一身份认证情况) for the snapshot: every business system of province_dept owners not yet
-- integrated with single sign-on. One row per (scope auth_system, unit_code = system_id),
-- unit_name = its provincial department; no 合计. Print order: owner's reference order, then the system's.
select
    {{ snapshot_date() }} as snapshot_date,
    'auth_system' as scope,
    cast(row_number() over (order by owner_order, source_file, source_line, system_id) as integer) as print_order,
    system_id as unit_code,
    owner_name as unit_name,
    false as is_total,
    owner_code,
    dept_id,
    system_name,
    integration_started,
    case when integration_started then '是' else '否' end as integration_started_text,
    url,
    open_system_text
from {{ ref('int_open_auth_systems') }}
where owner_scope = 'province_dept'

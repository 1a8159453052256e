-- Business systems not yet integrated with single sign-on (统一身份认证), of provincial
-- departments (owner_scope province_dept: owner = the department) and of direct-admin counties'
-- departments (owner_scope direct_county: owner = the county). One row per open system
-- (system_id); systems of other departments and integrated systems are left out.
-- open_system_text = 'system_name|是/否|url' (是否开展对接; url '' when missing), as fct_metrics prints it.
with systems as (
    select system_id, system_name, dept_id, url, integration_started, integrated,
        source_file, source_line
    from {{ ref('stg_auth_systems') }}
    where not coalesce(integrated, false)
),

owners as (
    select members.dept_id, members.scope as owner_scope, units.unit_code as owner_code,
        units.unit_name as owner_name, units.unit_order as owner_order
    from {{ ref('int_unit_departments') }} as members
    inner join {{ ref('int_units') }} as units
        on units.scope = members.scope and units.unit_code = members.unit_code
    where members.scope in ('province_dept', 'direct_county')
)

select
    systems.system_id,
    systems.system_name,
    systems.dept_id,
    owners.owner_scope,
    owners.owner_code,
    owners.owner_name,
    owners.owner_order,
    coalesce(systems.integration_started, false) as integration_started,
    systems.url,
    systems.system_name
        || '|' || case when coalesce(systems.integration_started, false) then '是' else '否' end
        || '|' || coalesce(systems.url, '') as open_system_text,
    systems.source_file,
    systems.source_line
from systems
inner join owners on owners.dept_id = systems.dept_id

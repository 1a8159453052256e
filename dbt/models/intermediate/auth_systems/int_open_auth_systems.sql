-- Business systems not yet integrated with single sign-on (统一身份认证), as tables 12 and 13
-- print them, written once over both owner scopes: systems of provincial departments
-- (owner_scope province_dept, table 12: owner = the department) and of direct-admin counties'
-- departments (owner_scope direct_county, table 13: owner = the county). Systems of other
-- departments and integrated systems are left out.
-- One row per open system (scope auth_system, unit_code = system_id), unit_name = its owner;
-- no 合计. Print order within the owner scope: the owner's reference order, then the system's.
-- open_system_text = 'system_name|是/否|url' (是否开展对接; url '' when missing), as fct_metrics prints it.
with systems as (
    select
        system_id,
        system_name,
        dept_id,
        url,
        coalesce(integration_started, false) as integration_started,
        case when integration_started then '是' else '否' end as integration_started_text,
        source_file,
        source_line
    from {{ ref('stg_auth_systems') }}
    where not coalesce(integrated, false)
),

owners as (
    select
        members.dept_id,
        members.scope as owner_scope,
        units.unit_code as owner_code,
        units.unit_name as owner_name,
        units.unit_order as owner_order
    from {{ ref('int_unit_departments') }} as members
    inner join {{ ref('int_units') }} as units
        on members.scope = units.scope and members.unit_code = units.unit_code
    where members.scope in ('province_dept', 'direct_county')
)

select
    {{ snapshot_date() }} as snapshot_date,
    'auth_system' as scope,
    cast(row_number() over (
        partition by owners.owner_scope
        order by owners.owner_order, systems.source_file, systems.source_line, systems.system_id
    ) as integer) as print_order,
    systems.system_id as unit_code,
    owners.owner_name as unit_name,
    false as is_total,
    owners.owner_code,
    systems.dept_id,
    systems.system_name,
    systems.integration_started,
    systems.integration_started_text,
    systems.url,
    systems.system_name
    || '|' || systems.integration_started_text
    || '|' || coalesce(systems.url, '') as open_system_text,
    owners.owner_scope
from systems
inner join owners on systems.dept_id = owners.dept_id

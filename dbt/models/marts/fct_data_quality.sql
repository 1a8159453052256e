-- Data quality by submitting unit, this snapshot's delivery only (it costs what the week
-- delivered): one row per (snapshot_date, scope, unit_code, source, issue, detail) with `rows`.
-- Issues: rejected (detail = the reason), unknown_item (a case or evaluation whose item_code is
-- in no item of the snapshot), unknown_case (an evaluation whose case_id is no known case),
-- late (an event version whose updated_at is before the end of the source's previous delivery,
-- which it should have been part of), not_delivered (an event source of which the unit
-- delivered no row this week; rows = 1). A row is attributed by its own dept_id (a licence's
-- issuer_dept_id), else its
-- region_code (int_submitting_units); otherwise to the unit 'UNATTRIBUTED' (scope unattributed).
{%- set events = ['cases', 'evaluations', 'tickets'] %}
with units as (
    {{ listed_units(['province_dept', 'city_total', 'direct_county']) }}
),

by_dept as (
    select
        code as dept_id,
        scope,
        unit_code
    from {{ ref('int_submitting_units') }}
    where attributed_by = 'dept_id'
),

by_region as (
    select
        code as region_code,
        scope,
        unit_code
    from {{ ref('int_submitting_units') }}
    where attributed_by = 'region_code'
),

rejects as (
    select
        source,
        reason,
        coalesce({{ json_text('raw_values', 'dept_id') }}, {{ json_text('raw_values', 'issuer_dept_id') }}) as dept_id,
        {{ json_text('raw_values', 'region_code') }} as region_code
    from {{ source('raw', 'rejects') }}
    where snapshot_date = {{ snapshot_date() }}
),

delivered as (
    select
        'cases' as source,
        dept_id,
        item_code,
        cast(null as {{ dbt.type_string() }}) as eval_id,
        updated_at
    from {{ source('raw', 'cases') }}
    where snapshot_date = {{ snapshot_date() }}
    union all
    select
        'evaluations' as source,
        dept_id,
        item_code,
        eval_id,
        updated_at
    from {{ source('raw', 'evaluations') }}
    where snapshot_date = {{ snapshot_date() }}
    union all
    select
        'tickets' as source,
        dept_id,
        cast(null as {{ dbt.type_string() }}) as item_code,
        cast(null as {{ dbt.type_string() }}) as eval_id,
        updated_at
    from {{ source('raw', 'tickets') }}
    where snapshot_date = {{ snapshot_date() }}
),

previous_delivery as (
    select
        source,
        max(snapshot_date) as snapshot_date
    from {{ source('raw', 'load_files') }}
    where
        snapshot_date < {{ snapshot_date() }}
        and source in ({{ "'" ~ events | join("', '") ~ "'" }})
    group by source
),

known_items as (
    select distinct item_code from {{ ref('stg_service_items') }}
),

evaluations_of_unknown_cases as (
    select eval_id from {{ ref('int_evaluations_ytd') }}
    where case_id is not null and not has_known_case
),

issues as (
    select
        'rejected' as issue,
        source,
        reason as detail,
        dept_id,
        region_code
    from rejects

    union all
    select
        'unknown_item' as issue,
        delivered.source,
        '' as detail,
        delivered.dept_id,
        cast(null as {{ dbt.type_string() }}) as region_code
    from delivered
    where
        delivered.item_code is not null
        and not exists (
            select 1 from known_items
            where known_items.item_code = delivered.item_code
        )

    union all
    select
        'unknown_case' as issue,
        'evaluations' as source,
        '' as detail,
        delivered.dept_id,
        cast(null as {{ dbt.type_string() }}) as region_code
    from delivered
    inner join evaluations_of_unknown_cases as unknown_cases on delivered.eval_id = unknown_cases.eval_id
    where delivered.source = 'evaluations'

    union all
    select
        'late' as issue,
        delivered.source,
        '' as detail,
        delivered.dept_id,
        cast(null as {{ dbt.type_string() }}) as region_code
    from delivered
    inner join previous_delivery on delivered.source = previous_delivery.source
    where delivered.updated_at < cast(previous_delivery.snapshot_date as timestamp) + interval 1 day
),

attributed as (
    select
        issues.issue,
        issues.source,
        issues.detail,
        coalesce(by_dept.scope, by_region.scope, 'unattributed') as scope,
        coalesce(by_dept.unit_code, by_region.unit_code, 'UNATTRIBUTED') as unit_code
    from issues
    left join by_dept on issues.dept_id = by_dept.dept_id
    left join by_region on issues.region_code = by_region.region_code and by_dept.dept_id is null
),

delivered_by_unit as (
    select
        by_dept.scope,
        by_dept.unit_code,
        delivered.source,
        count(*) as delivered_rows
    from delivered
    inner join by_dept on delivered.dept_id = by_dept.dept_id
    group by by_dept.scope, by_dept.unit_code, delivered.source
),

not_delivered as (
    select
        'not_delivered' as issue,
        sources.source,
        '' as detail,
        units.scope,
        units.unit_code,
        1 as issue_rows
    from units
    cross join (values {{ "('" ~ events | join("'), ('") ~ "')" }}) as sources (source)
    left join delivered_by_unit
        on
            units.scope = delivered_by_unit.scope
            and units.unit_code = delivered_by_unit.unit_code
            and sources.source = delivered_by_unit.source
    where delivered_by_unit.delivered_rows is null
),

counted as (
    select
        issue,
        source,
        detail,
        scope,
        unit_code,
        count(*) as issue_rows
    from attributed
    group by issue, source, detail, scope, unit_code
    union all
    select
        issue,
        source,
        detail,
        scope,
        unit_code,
        issue_rows
    from not_delivered
)

select
    {{ snapshot_date() }} as snapshot_date,
    cast(counted.scope as {{ dbt.type_string() }}) as scope,
    cast(counted.unit_code as {{ dbt.type_string() }}) as unit_code,
    cast(coalesce(units.unit_name, '无法归属') as {{ dbt.type_string() }}) as unit_name,
    cast(counted.source as {{ dbt.type_string() }}) as source,
    cast(counted.issue as {{ dbt.type_string() }}) as issue,
    cast(counted.detail as {{ dbt.type_string() }}) as detail,
    cast(counted.issue_rows as bigint) as issue_rows
from counted
left join units on counted.scope = units.scope and counted.unit_code = units.unit_code

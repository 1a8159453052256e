-- 数据报送质量 as the bulletin prints it (附表): one row per (snapshot_date, scope, unit_code) of
-- every listed provincial department (province_dept), city with its ordinary counties
-- (city_total) and direct-admin county (direct_county), each scope with its 合计 (unit_code
-- 'TOTAL') last, plus one row of scope 'unattributed' for rows that name no known unit. Columns:
-- the week's rejected rows, references to unknown items and cases, late versions, the event
-- sources not delivered (count and names), and the three most frequent reject reasons.
-- Print order: most rejected rows first, ties by unit order.
with units as (
    {{ listed_units(['province_dept', 'city_total', 'direct_county']) }}
    union all
    select
        'unattributed' as scope,
        'UNATTRIBUTED' as unit_code,
        '无法归属' as unit_name,
        cast(null as {{ dbt.type_string() }}) as region_code,
        1 as unit_order
),

quality as (
    select * from {{ ref('fct_data_quality') }}
),

source_names as (
    select
        listed.source,
        listed.source_name
    from (values ('cases', '办件'), ('evaluations', '评价'), ('tickets', '咨询投诉')) as listed (source, source_name)
),

reasons as (
    select
        scope,
        unit_code,
        detail,
        sum(issue_rows) as issue_rows,
        row_number() over (partition by scope, unit_code order by sum(issue_rows) desc, detail) as rank
    from quality
    where issue = 'rejected'
    group by scope, unit_code, detail
),

top_reasons as (
    select
        scope,
        unit_code,
        {{ ordered_string_agg("detail || '（' || cast(issue_rows as " ~ dbt.type_string() ~ ") || '）'", '；', 'rank') }}
            as top_reasons
    from reasons
    where rank <= 3
    group by scope, unit_code
),

missing as (
    select
        quality.scope,
        quality.unit_code,
        {{ ordered_string_agg('source_names.source_name', '、', 'quality.source') }} as not_delivered_text
    from quality
    inner join source_names on quality.source = source_names.source
    where quality.issue = 'not_delivered'
    group by quality.scope, quality.unit_code
),

by_unit as (
    select
        units.scope,
        units.unit_code,
        units.unit_name,
        units.unit_order,
        false as is_total,
        coalesce(sum(quality.issue_rows) filter (where quality.issue = 'rejected'), 0) as rejected_rows,
        coalesce(sum(quality.issue_rows) filter (where quality.issue = 'unknown_item'), 0) as unknown_item_rows,
        coalesce(sum(quality.issue_rows) filter (where quality.issue = 'unknown_case'), 0) as unknown_case_rows,
        coalesce(sum(quality.issue_rows) filter (where quality.issue = 'late'), 0) as late_rows,
        coalesce(sum(quality.issue_rows) filter (where quality.issue = 'not_delivered'), 0) as sources_not_delivered
    from units
    left join quality on units.scope = quality.scope and units.unit_code = quality.unit_code
    group by units.scope, units.unit_code, units.unit_name, units.unit_order
),

with_totals as (
    select * from by_unit
    union all
    select
        scope,
        'TOTAL' as unit_code,
        '合计' as unit_name,
        null as unit_order,
        true as is_total,
        sum(rejected_rows) as rejected_rows,
        sum(unknown_item_rows) as unknown_item_rows,
        sum(unknown_case_rows) as unknown_case_rows,
        sum(late_rows) as late_rows,
        sum(sources_not_delivered) as sources_not_delivered
    from by_unit
    where scope <> 'unattributed'
    group by scope
),

described as (
    select
        with_totals.*,
        coalesce(missing.not_delivered_text, '') as not_delivered_text,
        coalesce(top_reasons.top_reasons, '') as top_reasons
    from with_totals
    left join missing on with_totals.scope = missing.scope and with_totals.unit_code = missing.unit_code
    left join top_reasons on with_totals.scope = top_reasons.scope and with_totals.unit_code = top_reasons.unit_code
)

select
    {{ snapshot_date() }} as snapshot_date,
    scope,
    {{ print_order('rejected_rows desc') }} as print_order,
    unit_code,
    unit_name,
    is_total,
    cast(rejected_rows as bigint) as rejected_rows,
    cast(unknown_item_rows as bigint) as unknown_item_rows,
    cast(unknown_case_rows as bigint) as unknown_case_rows,
    cast(late_rows as bigint) as late_rows,
    cast(sources_not_delivered as bigint) as sources_not_delivered,
    not_delivered_text,
    top_reasons
from described

{#- metrics_by_unit(facts, scopes, measures, roster='on_roster', dept_column='dept_id')
    -> SELECT of one row per listed unit of each scope, plus one 合计 row per scope, with
    columns: scope, unit_code, unit_name, region_code, unit_order, is_total, <measures...>.

    The one place that knows how units, members and the 合计 row work (CONTRACT §4):
    - units: `int_units` rows of `scopes` whose boolean column `roster` is true
      (the table's roster: units with nothing to count are still listed);
    - a fact row counts for a unit when its `dept_column` is a member department of the unit
      (`int_unit_departments`);
    - the 合计 row (unit_code 'TOTAL', unit_name '合计', is_total) aggregates the same
      measures over all fact rows of all listed units of the scope: a ratio built from its
      measures is a ratio of sums, never an average of ratios.

    `facts`: a relation (ref) or CTE name with a `dept_column`; its other columns may be used by
    the measures, unqualified (except `scope` and `unit_code`, which the macro adds).
    `measures`: dict {output column: aggregate SQL over the fact rows}, e.g.
    {'items': 'count(*)', 'ua_items': 'count(*) filter (where unified_acceptance)'}.
    Measures must be counts or sums: a unit without fact rows gets 0.

    Typical use (a table model then only writes its numerators / denominators):
        with by_unit as (
            {{ metrics_by_unit(ref('int_published_items'), ['city_level'], {'items': 'count(*)'}) }}
        )
        select ..., {{ ratio('x', 'items') }} as share, {{ print_order('x desc') }} as print_order
        from by_unit
-#}
{% macro metrics_by_unit(facts, scopes, measures, roster='on_roster', dept_column='dept_id') %}
    {%- if scopes is string -%}
        {{ exceptions.raise_compiler_error("metrics_by_unit: scopes must be a list, got " ~ scopes) }}
    {%- endif %}
    with mbu_units as (
        {{ listed_units(scopes, roster) }}
    ),

    mbu_rows as (
        select scope, unit_code, unit_name, region_code, unit_order, false as is_total
        from mbu_units
        union all
        select distinct scope, 'TOTAL', '合计', null, null, true
        from mbu_units
    ),

    mbu_member_facts as (
        select members.scope, members.unit_code, facts.*
        from {{ ref('int_unit_departments') }} as members
        inner join mbu_units as units
            on units.scope = members.scope and units.unit_code = members.unit_code
        inner join {{ facts }} as facts
            on facts.{{ dept_column }} = members.dept_id
    ),

    mbu_aggregated as (
        select
            scope,
            case when grouping(unit_code) = 1 then 'TOTAL' else unit_code end as unit_code,
            {%- for name, expression in measures.items() %}
            {{ expression }} as {{ name }}{% if not loop.last %},{% endif %}
            {%- endfor %}
        from mbu_member_facts
        group by grouping sets ((scope, unit_code), (scope))
    )

    select
        mbu_rows.scope,
        mbu_rows.unit_code,
        mbu_rows.unit_name,
        mbu_rows.region_code,
        mbu_rows.unit_order,
        mbu_rows.is_total,
        {%- for name in measures %}
        coalesce(mbu_aggregated.{{ name }}, 0) as {{ name }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from mbu_rows
    left join mbu_aggregated
        on mbu_aggregated.scope = mbu_rows.scope
        and mbu_aggregated.unit_code = mbu_rows.unit_code
{% endmacro %}

{#- print_order(order_by=none) -> INTEGER window expression: the printed 序号 within a scope,
    合计 last, then `order_by` (e.g. 'ua_items desc'), ties by unit_order (region code /
    department order of the reference data, CONTRACT §5). Use over metrics_by_unit() rows. -#}
{% macro print_order(order_by=none) -%}
    cast(row_number() over (
        partition by scope
        order by is_total{% if order_by %}, {{ order_by }}{% endif %}, unit_order
    ) as integer)
{%- endmacro %}

{#- listed_units(scopes, roster='on_roster') -> SELECT of the units a table lists: the
    `int_units` rows of `scopes` whose boolean column `roster` is true (scope, unit_code,
    unit_name, region_code, unit_order). Shared by metrics_by_unit() and the worklist, so a
    unit is listed in both or in neither. -#}
{% macro listed_units(scopes, roster='on_roster') -%}
    {%- if scopes is string -%}
        {{ exceptions.raise_compiler_error("listed_units: scopes must be a list, got " ~ scopes) }}
    {%- endif -%}
        select scope, unit_code, unit_name, region_code, unit_order
        from {{ ref('int_units') }}
        where scope in ({% for s in scopes %}'{{ s }}'{% if not loop.last %}, {% endif %}{% endfor %})
          and {{ roster }}
{%- endmacro %}

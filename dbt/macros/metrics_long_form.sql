{#- metrics_long_form(relation, table_no, metrics) -> SELECT of a table's metrics in the long
    form that int_metrics unions and fct_metrics publishes (CONTRACT §6), one row per
    (metric, unit of `relation`). Columns:
      table_no, metric_code, scope, unit_code, unit_name,
      numerator, denominator, value, value_kind, value_text.

    `relation` must have scope, unit_code and unit_name (e.g. rows of metrics_by_unit()).
    `metrics`: list of dicts, one per metric_code, of one of these shapes:
      {'metric_code': 't08_items', 'value': 'items'}                          -- a count
      {'metric_code': 't08_ua_coverage', 'numerator': 'n', 'denominator': 'd'} -- a ratio,
          optional 'kind': 'percent' (default) | 'percent_floor' | 'per_head'
      {'metric_code': 't05_status', 'text': 'status'}                          -- a status text
    Column values are SQL expressions over `relation`. Ratios get value = ratio(n, d);
    value_text is filled by fct_metrics from value_kind (only 'text' carries it here).
-#}
{% macro metrics_long_form(relation, table_no, metrics) %}
    {%- for metric in metrics %}
        {%- if metric.get('text') -%}
            {%- set kind = 'text' -%}
        {%- elif metric.get('numerator') or metric.get('denominator') -%}
            {%- set kind = metric.get('kind', 'percent') -%}
        {%- elif metric.get('value') -%}
            {%- set kind = 'count' -%}
        {%- else -%}
            {{ exceptions.raise_compiler_error("metrics_long_form: " ~ metric ~ " needs value, numerator/denominator or text") }}
        {%- endif %}
        {%- if kind not in metric_value_kinds() -%}
            {{ exceptions.raise_compiler_error("metrics_long_form: unknown kind " ~ kind ~ " in " ~ metric) }}
        {%- endif %}
    select
        cast({{ table_no }} as integer) as table_no,
        cast('{{ metric.metric_code }}' as {{ dbt.type_string() }}) as metric_code,
        cast(scope as {{ dbt.type_string() }}) as scope,
        cast(unit_code as {{ dbt.type_string() }}) as unit_code,
        cast(unit_name as {{ dbt.type_string() }}) as unit_name,
        {%- if kind in ('percent', 'percent_floor', 'per_head') %}
        cast({{ metric.numerator }} as double) as numerator,
        cast({{ metric.denominator }} as double) as denominator,
        {{ ratio(metric.numerator, metric.denominator) }} as value,
        {%- else %}
        cast(null as double) as numerator,
        cast(null as double) as denominator,
        cast({{ metric.get('value', 'null') }} as double) as value,
        {%- endif %}
        cast('{{ kind }}' as {{ dbt.type_string() }}) as value_kind,
        cast({{ metric.get('text', 'null') if kind == 'text' else 'null' }} as {{ dbt.type_string() }}) as value_text
    from {{ relation }}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
{% endmacro %}

{#- tables_long_form(tables, metrics) -> metrics_long_form() of the tables that publish one
    concept's metrics over different scopes (e.g. tables 16 and 17), unioned.
    `tables`: dict {table_no: relation}, e.g. {16: ref('int_t16_tickets'), 17: ref('int_t17_tickets')}.
    `metrics`: as in metrics_long_form(), but each named by 'metric', its code without the table
    prefix ('consult_received' -> 't16_consult_received', 't17_consult_received'), and
    optionally limited to some of the tables by 'tables': [NN] (default: all of them).
-#}
{% macro tables_long_form(tables, metrics) %}
    {%- for table_no, relation in tables.items() %}
        {%- set table_metrics = [] %}
        {%- for metric in metrics %}
            {%- if not metric.get('metric') -%}
                {{ exceptions.raise_compiler_error("tables_long_form: " ~ metric ~ " needs 'metric', its code without the tNN_ prefix") }}
            {%- endif %}
            {%- if table_no in metric.get('tables', [table_no]) %}
                {%- set table_metric = {'metric_code': 't%02d_%s' | format(table_no, metric.metric)} %}
                {%- for key, value in metric.items() if key not in ('metric', 'tables') %}
                    {%- do table_metric.update({key: value}) %}
                {%- endfor %}
                {%- do table_metrics.append(table_metric) %}
            {%- endif %}
        {%- endfor %}
    {{ metrics_long_form(relation, table_no, table_metrics) }}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
{% endmacro %}

{#- Dialect differences, one dispatched macro each (default = DuckDB); models never branch on
    the adapter themselves. -#}

{#- day_range(first, last) -> a relation with one column `day`, every day from `first` to `last`
    (ISO dates, both included). -#}
{% macro day_range(first, last) -%}
    {{ return(adapter.dispatch('day_range', 'zwfw')(first, last)) }}
{%- endmacro %}

{% macro default__day_range(first, last) -%}
    (select unnest(generate_series(date '{{ first }}', date '{{ last }}', interval 1 day)) as day)
{%- endmacro %}

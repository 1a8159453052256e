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

{% macro spark__day_range(first, last) -%}
    (select explode(sequence(date '{{ first }}', date '{{ last }}', interval 1 day)) as day)
{%- endmacro %}

{#- int_div(a, b) -> a divided by b, truncated toward zero, exact for the 38-digit integers
    scaled_ratio() divides (no DOUBLE, no rounding of an intermediate decimal). -#}
{% macro int_div(a, b) -%}
    {{ return(adapter.dispatch('int_div', 'zwfw')(a, b)) }}
{%- endmacro %}

{% macro default__int_div(a, b) -%}
    (({{ a }}) // ({{ b }}))
{%- endmacro %}

{#- Spark has no integer division of DECIMAL(38,0) beyond BIGINT: subtract the remainder, then
    the quotient is a whole number, which the decimal division returns exactly. -#}
{% macro spark__int_div(a, b) -%}
    cast((({{ a }}) - mod({{ a }}, {{ b }})) / ({{ b }}) as decimal(38, 0))
{%- endmacro %}

{#- regex_full_match(column, pattern) -> the whole value matches `pattern`. -#}
{% macro regex_full_match(column, pattern) -%}
    {{ return(adapter.dispatch('regex_full_match', 'zwfw')(column, pattern)) }}
{%- endmacro %}

{% macro default__regex_full_match(column, pattern) -%}
    regexp_full_match({{ column }}, '{{ pattern }}')
{%- endmacro %}

{% macro spark__regex_full_match(column, pattern) -%}
    ({{ column }} rlike '^(?:{{ pattern }})$')
{%- endmacro %}

{#- parquet_file(path) -> a relation reading one Parquet file of the lake. -#}
{% macro parquet_file(path) -%}
    {{ return(adapter.dispatch('parquet_file', 'zwfw')(path)) }}
{%- endmacro %}

{% macro default__parquet_file(path) -%}
    read_parquet('{{ path | replace("'", "''") }}')
{%- endmacro %}

{% macro spark__parquet_file(path) -%}
    parquet.`{{ path }}`
{%- endmacro %}

{#- hugeint_type() -> the exact 128-bit integer type scaled_ratio() computes in. -#}
{% macro hugeint_type() -%}
    {{ return(adapter.dispatch('hugeint_type', 'zwfw')()) }}
{%- endmacro %}

{% macro default__hugeint_type() -%}hugeint{%- endmacro %}

{% macro spark__hugeint_type() -%}decimal(38, 0){%- endmacro %}

{#- ordered_string_agg(expression, separator, order_by, distinct=false) -> the values of
    `expression` joined by `separator`, in the order of `order_by` (with distinct, `expression`
    itself, each value once). -#}
{% macro ordered_string_agg(expression, separator, order_by, distinct=false) -%}
    {{ return(adapter.dispatch('ordered_string_agg', 'zwfw')(expression, separator, order_by, distinct)) }}
{%- endmacro %}

{% macro default__ordered_string_agg(expression, separator, order_by, distinct) -%}
    string_agg({% if distinct %}distinct {% endif %}{{ expression }}, '{{ separator }}' order by {{ order_by }})
{%- endmacro %}

{% macro spark__ordered_string_agg(expression, separator, order_by, distinct) -%}
    {%- if distinct -%}
    array_join(array_sort(collect_set({{ expression }})), '{{ separator }}')
    {%- else -%}
    array_join(transform(array_sort(collect_list(struct({{ order_by }} as k, {{ expression }} as v))), x -> x.v),
               '{{ separator }}')
    {%- endif -%}
{%- endmacro %}

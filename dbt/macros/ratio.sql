{#- ratio(numerator, denominator) -> DOUBLE numerator / denominator; NULL when the
    denominator is 0 or NULL (printed '-', CONTRACT §5). The unrounded value of a ratio. -#}
{% macro ratio(numerator, denominator) -%}
    (cast({{ numerator }} as double) / nullif(cast({{ denominator }} as double), 0))
{%- endmacro %}

{#- ratio_columns(name, numerator=none, denominator=none, text='percent_text') -> the four
    columns every published ratio carries: `name` (unrounded, ratio()), `name_text` (as printed,
    by the text macro named: percent_text, percent_floor_text or per_head_text),
    `name_numerator` and `name_denominator`. Without numerator and denominator it selects the
    four columns of a ratio computed upstream (a table model passing a ratio through). -#}
{% macro ratio_columns(name, numerator=none, denominator=none, text='percent_text') -%}
    {%- if numerator is none -%}
    {{ ratio_column_names(name) | join(', ') }}
    {%- else -%}
    {%- set texts = {'percent_text': percent_text, 'percent_floor_text': percent_floor_text,
                     'per_head_text': per_head_text} -%}
    {%- if text not in texts -%}
    {{ exceptions.raise_compiler_error("ratio_columns: text must be one of " ~ texts.keys() | list ~ ", got " ~ text) }}
    {%- endif -%}
    {{ ratio(numerator, denominator) }} as {{ name }},
    {{ texts[text](numerator, denominator) }} as {{ name }}_text,
    {{ numerator }} as {{ name }}_numerator,
    {{ denominator }} as {{ name }}_denominator
    {%- endif -%}
{%- endmacro %}

{#- ratio_column_names(name) -> the names of ratio_columns(name) as a list:
    [name, name_text, name_numerator, name_denominator] (e.g. for columns_of(except=...)). -#}
{% macro ratio_column_names(name) -%}
    {{ return([name, name ~ '_text', name ~ '_numerator', name ~ '_denominator']) }}
{%- endmacro %}

{#- ratio(numerator, denominator) -> DOUBLE numerator / denominator; NULL when the
    denominator is 0 or NULL (printed '-', CONTRACT §5). The unrounded value of a ratio. -#}
{% macro ratio(numerator, denominator) -%}
    (cast({{ numerator }} as double) / nullif(cast({{ denominator }} as double), 0))
{%- endmacro %}

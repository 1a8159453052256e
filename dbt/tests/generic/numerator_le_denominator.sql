{#- numerator_le_denominator(numerator, denominator): a share's numerator never exceeds its
    denominator (rows where either is NULL pass). -#}
{% test numerator_le_denominator(model, numerator, denominator) %}
    select *
    from {{ model }}
    where ({{ numerator }}) > ({{ denominator }})
{% endtest %}

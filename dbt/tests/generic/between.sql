{#- between(min_value, max_value): the column lies within [min_value, max_value]
    (NULL passes: a ratio without denominator is NULL). -#}
{% test between(model, column_name, min_value, max_value) %}
    select *
    from {{ model }}
    where {{ column_name }} < {{ min_value }}
       or {{ column_name }} > {{ max_value }}
{% endtest %}

{#- unique_combination(combination): no two rows share the same values of the listed columns
    (a composite key). Usage: data_tests: [{unique_combination: {arguments: {combination: [a, b]}}}] -#}
{% test unique_combination(model, combination) %}
    select
        {{ combination | join(', ') }},
        count(*) as n_rows
    from {{ model }}
    group by {{ combination | join(', ') }}
    having count(*) > 1
{% endtest %}

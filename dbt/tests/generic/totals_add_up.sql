{#- totals_add_up(group_by, unit_column='unit_code', total='TOTAL'): in every group (e.g. one
    metric of one scope of one snapshot) the 合计 row is the sum over the units: its numerator
    and denominator (ratios: a ratio of sums) or, for counts (numerator NULL), its value.
    Groups without a 合计 row are not checked. -#}
{% test totals_add_up(model, group_by, unit_column='unit_code', total='TOTAL') %}
{%- set keys = group_by | join(', ') %}
    with units as (
        select
            {{ keys }},
            sum(numerator) as numerator,
            sum(denominator) as denominator,
            sum(value) filter (where numerator is null and denominator is null) as count_value
        from {{ model }}
        where {{ unit_column }} <> '{{ total }}'
        group by {{ keys }}
    ),

    totals as (
        select {{ keys }}, numerator, denominator, value
        from {{ model }}
        where {{ unit_column }} = '{{ total }}'
    )

    select totals.*, units.numerator as units_numerator, units.denominator as units_denominator,
        units.count_value as units_value
    from totals
    left join units using ({{ keys }})
    where coalesce(totals.numerator, 0) <> coalesce(units.numerator, 0)
       or coalesce(totals.denominator, 0) <> coalesce(units.denominator, 0)
       or (totals.numerator is null and totals.denominator is null
           and coalesce(totals.value, 0) <> coalesce(units.count_value, 0))
{% endtest %}

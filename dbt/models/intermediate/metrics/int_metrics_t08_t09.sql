-- Tables 8 and 9 in long form (the same metrics of int_unified_acceptance over their scopes):
-- one row per (table_no, metric_code, scope, unit_code), as fct_metrics publishes it.
{{ tables_long_form(
    {8: ref('int_t08_unified_acceptance'), 9: ref('int_t09_unified_acceptance')},
    metrics=[
        {'metric': 'items', 'value': 'items'},
        {'metric': 'ua_items', 'value': 'ua_items'},
        {'metric': 'ua_coverage',
         'numerator': 'ua_coverage_numerator', 'denominator': 'ua_coverage_denominator'},
    ],
) }}

-- Table 9 in long form: one row per (metric_code, scope, unit_code), as fct_metrics publishes it.
{{ metrics_long_form(ref('int_t09_unified_acceptance'), table_no=9, metrics=[
    {'metric_code': 't09_items', 'value': 'items'},
    {'metric_code': 't09_ua_items', 'value': 'ua_items'},
    {'metric_code': 't09_ua_coverage',
     'numerator': 'ua_coverage_numerator', 'denominator': 'ua_coverage_denominator'},
]) }}

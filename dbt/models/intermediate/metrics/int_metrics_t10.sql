-- Table 10 in long form: one row per (metric_code, scope, unit_code), as fct_metrics publishes it.
{{ metrics_long_form(ref('int_t10_case_acceptance'), table_no=10, metrics=[
    {'metric_code': 't10_online_acceptance',
     'numerator': 'online_acceptance_numerator', 'denominator': 'online_acceptance_denominator'},
    {'metric_code': 't10_items', 'value': 'items'},
    {'metric_code': 't10_items_without_cases', 'value': 'items_without_cases'},
    {'metric_code': 't10_license_items_without_cases', 'value': 'license_items_without_cases'},
]) }}

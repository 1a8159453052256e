-- Table 11 in long form: one row per (metric_code, scope, unit_code), as fct_metrics publishes it.
{{ metrics_long_form(ref('int_t11_case_acceptance'), table_no=11, metrics=[
    {'metric_code': 't11_online_acceptance',
     'numerator': 'online_acceptance_numerator', 'denominator': 'online_acceptance_denominator'},
    {'metric_code': 't11_item_incidence',
     'numerator': 'item_incidence_numerator', 'denominator': 'item_incidence_denominator'},
    {'metric_code': 't11_license_item_incidence',
     'numerator': 'license_item_incidence_numerator', 'denominator': 'license_item_incidence_denominator'},
    {'metric_code': 't11_cases_per_capita', 'kind': 'per_head',
     'numerator': 'cases_per_capita_numerator', 'denominator': 'cases_per_capita_denominator'},
]) }}

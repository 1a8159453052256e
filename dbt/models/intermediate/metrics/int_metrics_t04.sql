-- Table 4 in long form: one row per (metric_code, scope, unit_code), as fct_metrics publishes it.
{{ metrics_long_form(ref('int_t04_license_completion'), table_no=4, metrics=[
    {'metric_code': 't04_types_responsible', 'value': 'types_responsible'},
    {'metric_code': 't04_types_sealed', 'value': 'types_sealed'},
    {'metric_code': 't04_type_completion',
     'numerator': 'type_completion_numerator', 'denominator': 'type_completion_denominator'},
    {'metric_code': 't04_sealed_licenses', 'value': 'sealed_licenses'},
]) }}

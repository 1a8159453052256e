-- Table 7 in long form: one row per (metric_code, scope, unit_code), as fct_metrics publishes it.
{{ metrics_long_form(ref('int_t07_seal_coverage'), table_no=7, metrics=[
    {'metric_code': 't07_departments', 'value': 'departments'},
    {'metric_code': 't07_sealed_departments', 'value': 'sealed_departments'},
    {'metric_code': 't07_seal_coverage',
     'numerator': 'seal_coverage_numerator', 'denominator': 'seal_coverage_denominator'},
]) }}

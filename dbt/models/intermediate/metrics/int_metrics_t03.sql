-- Table 3 in long form: one row per (metric_code, scope, unit_code), as fct_metrics publishes it.
{{ metrics_long_form(ref('int_t03_process_completeness'), table_no=3, metrics=[
    {'metric_code': 't03_process_complete',
     'numerator': 'process_complete_numerator', 'denominator': 'process_complete_denominator'},
]) }}

-- Table 16 in long form: one row per (metric_code, scope, unit_code), as fct_metrics publishes it.
{{ metrics_long_form(ref('int_t16_tickets'), table_no=16, metrics=[
    {'metric_code': 't16_consult_received', 'value': 'consult_received'},
    {'metric_code': 't16_consult_on_time',
     'numerator': 'consult_on_time_numerator', 'denominator': 'consult_on_time_denominator'},
    {'metric_code': 't16_complaint_received', 'value': 'complaint_received'},
    {'metric_code': 't16_complaint_on_time',
     'numerator': 'complaint_on_time_numerator', 'denominator': 'complaint_on_time_denominator'},
]) }}

-- Table 17 in long form: one row per (metric_code, scope, unit_code), as fct_metrics publishes it.
{{ metrics_long_form(ref('int_t17_tickets'), table_no=17, metrics=[
    {'metric_code': 't17_consult_received', 'value': 'consult_received'},
    {'metric_code': 't17_consult_on_time',
     'numerator': 'consult_on_time_numerator', 'denominator': 'consult_on_time_denominator'},
    {'metric_code': 't17_complaint_received', 'value': 'complaint_received'},
    {'metric_code': 't17_complaint_on_time',
     'numerator': 'complaint_on_time_numerator', 'denominator': 'complaint_on_time_denominator'},
]) }}

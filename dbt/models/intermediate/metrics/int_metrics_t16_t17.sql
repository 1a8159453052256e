-- Tables 16 and 17 in long form (the 咨询投诉 metrics of int_tickets_by_unit over their scopes):
-- one row per (table_no, metric_code, scope, unit_code), as fct_metrics publishes it.
{{ tables_long_form(
    {16: ref('int_t16_tickets'), 17: ref('int_t17_tickets')},
    metrics=[
        {'metric': 'consult_received', 'value': 'consult_received'},
        {'metric': 'consult_on_time',
         'numerator': 'consult_on_time_numerator', 'denominator': 'consult_on_time_denominator'},
        {'metric': 'complaint_received', 'value': 'complaint_received'},
        {'metric': 'complaint_on_time',
         'numerator': 'complaint_on_time_numerator', 'denominator': 'complaint_on_time_denominator'},
    ],
) }}

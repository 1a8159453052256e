-- Table 14 in long form: one row per (metric_code, scope, unit_code), as fct_metrics publishes it.
{{ metrics_long_form(ref('int_t14_evaluations'), table_no=14, metrics=[
    {'metric_code': 't14_active_evals', 'value': 'active_evals'},
    {'metric_code': 't14_active_eval_rate',
     'numerator': 'active_eval_rate_numerator', 'denominator': 'active_eval_rate_denominator'},
    {'metric_code': 't14_eval_completeness',
     'numerator': 'eval_completeness_numerator', 'denominator': 'eval_completeness_denominator'},
    {'metric_code': 't14_item_coverage',
     'numerator': 'item_coverage_numerator', 'denominator': 'item_coverage_denominator'},
    {'metric_code': 't14_rectify_on_time',
     'numerator': 'rectify_on_time_numerator', 'denominator': 'rectify_on_time_denominator'},
]) }}

-- Tables 14 and 15 in long form (the 好差评 metrics of int_evaluations_by_unit over their
-- scopes; dept_coverage in table 15 only): one row per (table_no, metric_code, scope,
-- unit_code), as fct_metrics publishes it.
{{ tables_long_form(
    {14: ref('int_t14_evaluations'), 15: ref('int_t15_evaluations')},
    metrics=[
        {'metric': 'active_evals', 'value': 'active_evals'},
        {'metric': 'active_eval_rate',
         'numerator': 'active_eval_rate_numerator', 'denominator': 'active_eval_rate_denominator'},
        {'metric': 'eval_completeness',
         'numerator': 'eval_completeness_numerator', 'denominator': 'eval_completeness_denominator'},
        {'metric': 'item_coverage',
         'numerator': 'item_coverage_numerator', 'denominator': 'item_coverage_denominator'},
        {'metric': 'dept_coverage', 'tables': [15],
         'numerator': 'dept_coverage_numerator', 'denominator': 'dept_coverage_denominator'},
        {'metric': 'rectify_on_time',
         'numerator': 'rectify_on_time_numerator', 'denominator': 'rectify_on_time_denominator'},
    ],
) }}

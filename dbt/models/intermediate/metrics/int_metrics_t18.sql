-- Table 18 in long form: one row per (metric_code, scope city, unit_code); both ratios are
-- printed truncated to whole percent (percent_floor).
{{ metrics_long_form(ref('int_t18_branch_halls'), table_no=18, metrics=[
    {'metric_code': 't18_items', 'value': 'items'},
    {'metric_code': 't18_target_completion', 'kind': 'percent_floor',
     'numerator': 'target_completion_numerator', 'denominator': 'target_completion_denominator'},
    {'metric_code': 't18_non_query_items', 'value': 'non_query_items'},
    {'metric_code': 't18_non_query_share', 'kind': 'percent_floor',
     'numerator': 'non_query_share_numerator', 'denominator': 'non_query_share_denominator'},
]) }}

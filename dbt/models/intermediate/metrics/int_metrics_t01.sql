-- Table 1 in long form: one row per (metric_code, scope, unit_code), as fct_metrics publishes it.
{{ metrics_long_form(ref('int_t01_item_standards'), table_no=1, metrics=[
    {'metric_code': 't01_zero_visit_share',
     'numerator': 'zero_visit_share_numerator', 'denominator': 'zero_visit_share_denominator'},
    {'metric_code': 't01_instant_share_license',
     'numerator': 'instant_share_license_numerator', 'denominator': 'instant_share_license_denominator'},
    {'metric_code': 't01_time_compression_license',
     'numerator': 'time_compression_license_numerator', 'denominator': 'time_compression_license_denominator'},
]) }}

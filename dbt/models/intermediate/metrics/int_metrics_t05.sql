-- Table 5 in long form: one row per (metric_code, scope license_type, unit_code = type_code).
{{ metrics_long_form(ref('int_t05_province_license_standard'), table_no=5, metrics=[
    {'metric_code': 't05_status', 'text': 'status'},
]) }}

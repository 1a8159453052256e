-- Table 6 in long form: one row per (metric_code, scope license_type, unit_code = type_code).
{{ metrics_long_form(ref('int_t06_city_license_standard'), table_no=6, metrics=[
    {'metric_code': 't06_status', 'text': 'status'},
]) }}

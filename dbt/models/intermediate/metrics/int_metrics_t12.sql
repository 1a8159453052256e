-- Table 12 in long form: one row per (metric_code, scope auth_system, unit_code = system_id);
-- value_text = 'system_name|是/否|url'.
{{ metrics_long_form(ref('int_t12_open_auth_systems'), table_no=12, metrics=[
    {'metric_code': 't12_open_systems', 'text': 'open_system_text'},
]) }}

-- Table 13 in long form: one row per (metric_code, scope auth_system, unit_code = system_id);
-- value_text = 'system_name|是/否|url'.
{{ metrics_long_form(ref('int_t13_open_auth_systems'), table_no=13, metrics=[
    {'metric_code': 't13_open_systems', 'text': 'open_system_text'},
]) }}

-- Tables 12 and 13 in long form (the open systems of int_open_auth_systems per owner scope):
-- one row per (table_no, metric_code, scope auth_system, unit_code = system_id);
-- value_text = 'system_name|是/否|url'.
{{ tables_long_form(
    {12: ref('int_t12_open_auth_systems'), 13: ref('int_t13_open_auth_systems')},
    metrics=[
        {'metric': 'open_systems', 'text': 'open_system_text'},
    ],
) }}

-- The published metrics (CONTRACT §6), every snapshot: one row per
-- (snapshot_date, table_no, metric_code, scope, unit_code). The rows come from the tables
-- listed in int_metrics; here value_text is printed from value_kind, the one place where
-- fct_metrics formats values (macros in macros/display.sql).
select
    {{ snapshot_date() }} as snapshot_date,
    cast(table_no as integer) as table_no,
    cast(metric_code as {{ dbt.type_string() }}) as metric_code,
    cast(scope as {{ dbt.type_string() }}) as scope,
    cast(unit_code as {{ dbt.type_string() }}) as unit_code,
    cast(unit_name as {{ dbt.type_string() }}) as unit_name,
    cast(numerator as double) as numerator,
    cast(denominator as double) as denominator,
    cast(value as double) as value,
    cast(
        {{ metric_value_text('value_kind', 'numerator', 'denominator', 'value', 'value_text') }}
        as {{ dbt.type_string() }}
    ) as value_text
from {{ ref('int_metrics') }}

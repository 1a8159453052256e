-- The published figures of the 4 snapshots before the one being built, read from the lake's
-- partitions of fct_metrics (the build's database holds one snapshot): what fct_metric_history
-- compares with. One row per (snapshot_date, metric_code, scope, unit_code); snapshots_back is
-- 1 for the previous published snapshot, 4 for the fourth before. Empty for the first snapshot
-- (the typed empty branch every partition is added to).
{%- set partitions = previous_mart_partitions('fct_metrics', 4) %}
select
    cast(null as date) as snapshot_date,
    cast(null as integer) as snapshots_back,
    cast(null as {{ dbt.type_string() }}) as metric_code,
    cast(null as {{ dbt.type_string() }}) as scope,
    cast(null as {{ dbt.type_string() }}) as unit_code,
    cast(null as double) as value
where false
{% for partition in partitions %}
    union all
    select
        cast('{{ partition.snapshot_date }}' as date) as snapshot_date,
        {{ loop.index }} as snapshots_back,
        cast(metric_code as {{ dbt.type_string() }}) as metric_code,
        cast(scope as {{ dbt.type_string() }}) as scope,
        cast(unit_code as {{ dbt.type_string() }}) as unit_code,
        cast(value as double) as value
    from {{ parquet_file(partition.file) }}
{% endfor %}

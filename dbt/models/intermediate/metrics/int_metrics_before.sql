-- The published figures of the 4 snapshots before the one being built, read from the lake's
-- partitions of fct_metrics (the build's database holds one snapshot): what fct_metric_history
-- compares with. One row per (snapshot_date, metric_code, scope, unit_code); snapshots_back is
-- 1 for the previous published snapshot, 4 for the fourth before. Empty for the first snapshot.
{%- set partitions = previous_mart_partitions('fct_metrics', 4) %}
{%- if partitions %}
{%- for partition in partitions %}
select
    cast('{{ partition.snapshot_date }}' as date) as snapshot_date,
    {{ loop.index }} as snapshots_back,
    cast(metric_code as varchar) as metric_code,
    cast(scope as varchar) as scope,
    cast(unit_code as varchar) as unit_code,
    cast(value as double) as value
from read_parquet('{{ partition.file | replace("'", "''") }}')
{% if not loop.last %}union all{% endif %}
{%- endfor %}
{%- else %}
select
    cast(null as date) as snapshot_date,
    cast(null as integer) as snapshots_back,
    cast(null as varchar) as metric_code,
    cast(null as varchar) as scope,
    cast(null as varchar) as unit_code,
    cast(null as double) as value
where false
{%- endif %}

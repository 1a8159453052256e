{#- lake_sources() -> SQL run by on-run-start: the sources of `raw` as views over the Parquet lake
    (`ZWFW_LAKE`, laid out as dagster_project/lake.py writes it), hive-partitioned by snapshot_date.
    A filter on snapshot_date (the as-of merge reads deliveries <= the snapshot) skips the other
    partitions' files, and only the columns a model selects are read. The views keep the columns
    in the order this project declares them (_sources.yml); a column a newer registry added reads
    as NULL in older partitions (union_by_name). Their descriptions there become the views'
    comments (dbt's persist_docs does not apply to sources). -#}
{% macro lake_sources() -%}
    {{ return(adapter.dispatch('lake_sources', 'zwfw')()) }}
{%- endmacro %}

{% macro default__lake_sources() -%}
    {%- if execute -%}
        {%- set lake = env_var('ZWFW_LAKE') | replace("'", "''") -%}
        create schema if not exists raw;
        {%- for node in graph.sources.values() if node.source_name == 'raw' %}
            {%- if node.name in ('rejects', 'load_files') -%}
                {%- set files = lake ~ '/*/snapshot_date=*/' ~ node.name ~ '.parquet' -%}
            {%- else -%}
                {%- set files = lake ~ '/' ~ node.name ~ '/snapshot_date=*/part-*.parquet' -%}
            {%- endif %}
        create or replace view raw.{{ node.name }} as
        select {{ node.columns.keys() | join(', ') }}
        from read_parquet('{{ files }}', hive_partitioning = true, union_by_name = true);
        comment on view raw.{{ node.name }} is {{ sql_literal(node.description) }};
            {%- for column in node.columns.values() %}
        comment on column raw.{{ node.name }}.{{ column.name }} is {{ sql_literal(column.description) }};
            {%- endfor %}
        {%- endfor %}
    {%- endif -%}
{%- endmacro %}

{#- sql_literal(text) -> a quoted SQL string literal of `text` (blank descriptions as NULL). -#}
{% macro sql_literal(text) -%}
    {%- if text and text | trim -%}'{{ text | trim | replace("'", "''") }}'{%- else -%}null{%- endif -%}
{%- endmacro %}

{#- On Spark: each source a Parquet table over its lake folder, partitions discovered from the
    snapshot_date=… folders (MSCK REPAIR), schemas merged across deliveries, and a view of the
    declared columns in order over the source's own files: a partition folder also holds
    rejects.parquet and load_files.parquet, and a catalog table reads every file of its
    partitions (pathGlobFilter is not applied to them), so the view keeps the rows whose
    _metadata.file_name is the source's. rejects and load_files: one table per source, a view
    of their union. Spark takes one statement at a time, so the hook runs them itself. -#}
{% macro spark__lake_sources() -%}
    {%- if execute -%}
        {%- set lake = spark_lake() | replace("'", "\\'") -%}
        {%- set sources = graph.sources.values() | selectattr('source_name', 'equalto', 'raw') | list -%}
        {%- set deliveries = sources | rejectattr('name', 'in', ['rejects', 'load_files']) | map(attribute='name') | list -%}
        {%- do run_query('create database if not exists raw') -%}
        {%- for node in sources %}
            {%- if node.name in ('rejects', 'load_files') -%}
                {%- set parts = [] -%}
                {%- for source in deliveries -%}
                    {%- do parts.append(spark_lake_table(node.name ~ '__' ~ source, lake ~ '/' ~ source)) -%}
                {%- endfor -%}
            {%- else -%}
                {%- set parts = [spark_lake_table(node.name, lake ~ '/' ~ node.name)] -%}
            {%- endif -%}
            {%- do run_query('drop view if exists raw.' ~ node.name) -%}
            {%- set selects = [] -%}
            {%- set file_name = (node.name ~ '.parquet') if node.name in ('rejects', 'load_files') else 'part-%.parquet' -%}
            {%- for table in parts if table -%}
                {%- do selects.append('select ' ~ (node.columns.keys() | join(', ')) ~ ' from ' ~ table
                                      ~ " where _metadata.file_name like '" ~ file_name ~ "'") -%}
            {%- endfor -%}
            {%- do run_query('create view raw.' ~ node.name ~ ' as ' ~ (selects | join(' union all '))) -%}
        {%- endfor %}
    {%- endif -%}
    select 1
{%- endmacro %}

{#- spark_lake_table(name, folder) -> `raw.<name>__lake`, a Parquet table over every file of
    `folder`'s snapshot_date=… partitions. -#}
{% macro spark_lake_table(name, folder) -%}
    {%- set table = 'raw.' ~ name ~ '__lake' -%}
    {%- do run_query('drop table if exists ' ~ table) -%}
    {%- do run_query('create table ' ~ table ~ " using parquet options (path '" ~ folder ~ "', mergeSchema 'true')") -%}
    {%- do run_query('msck repair table ' ~ table) -%}
    {{ return(table) }}
{%- endmacro %}

{#- spark_lake() -> the lake as Spark addresses it: `ZWFW_SPARK_LAKE` (a cluster's URI of the
    folder the orchestrator sees at ZWFW_LAKE: hdfs://, s3a://, file:///mnt/…), else `ZWFW_LAKE`.
    dbt_project.yml's location_root says the same for the marts Spark writes. -#}
{% macro spark_lake() -%}
    {{ return(env_var('ZWFW_SPARK_LAKE', '') or env_var('ZWFW_LAKE')) }}
{%- endmacro %}

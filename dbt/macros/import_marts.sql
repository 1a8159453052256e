{#- import_marts(marts) -> after a build on Spark, run on the `duckdb` target
    (`dbt run-operation import_marts`): the DuckDB scratch database gets what a DuckDB build
    leaves in it for the checks and publication, read from what Spark wrote:
    - every mart of the snapshot, from `<marts>/<mart>/snapshot_date=D/*.parquet` (Spark's
      location_root), as a table. Its columns keep the model's order: Spark writes them in that
      order, less the partition column, which every mart has first (tests/test_analysts.py);
    - the descriptions as comments (persist_docs' part on DuckDB);
    - the raw views over the lake (lake_sources, the DuckDB on-run-start hook).
    A mart of which Spark wrote no row for the snapshot has no file to take its columns from:
    that stops the import with the mart's name rather than publishing without it. -#}
{% macro import_marts(marts) -%}
    {%- if target.type != 'duckdb' -%}
        {{ exceptions.raise_compiler_error("import_marts runs on the duckdb target (it fills the DuckDB scratch database)") }}
    {%- endif -%}
    {%- do run_query(check_snapshot_date()) -%}
    {%- do run_query(lake_sources()) -%}
    {%- do run_query('create schema if not exists marts') -%}
    {%- set root = marts | replace("'", "''") -%}
    {%- set day = var('snapshot_date') | string -%}
    {%- for node in graph.nodes.values() | sort(attribute='name')
            if node.resource_type == 'model' and node.fqn[1] == 'marts' -%}
        {%- set files = root ~ '/' ~ node.alias ~ '/snapshot_date=' ~ day ~ '/*.parquet' -%}
        {%- set found = run_query("select count(*) from glob('" ~ files ~ "')").columns[0].values()[0] -%}
        {%- if found == 0 -%}
            {{ exceptions.raise_compiler_error("Spark wrote no rows of marts." ~ node.alias ~ " for snapshot "
               ~ day ~ " (no " ~ files ~ "): not importing an incomplete build") }}
        {%- endif -%}
        {%- set statements = [] -%}
        {%- do statements.append('create or replace table marts.' ~ node.alias
            ~ ' as select snapshot_date, * exclude (snapshot_date)'
            ~ " from read_parquet('" ~ files ~ "', hive_partitioning = true, union_by_name = true)"
            ~ ' where snapshot_date = ' ~ snapshot_date()) -%}
        {%- do statements.append('comment on table marts.' ~ node.alias ~ ' is ' ~ sql_literal(node.description)) -%}
        {%- for column in node.columns.values() -%}
            {%- do statements.append('comment on column marts.' ~ node.alias ~ '.' ~ column.name ~ ' is '
                ~ sql_literal(column.description)) -%}
        {%- endfor -%}
        {%- do run_query(statements | join(';\n')) -%}
    {%- endfor -%}
    {%- do adapter.commit() -%}
{%- endmacro %}

{#- lake_sources() -> SQL run by on-run-start: the sources of `raw` as views over the Parquet lake
    (`ZWFW_LAKE`, laid out as dagster_project/lake.py writes it), hive-partitioned by snapshot_date.
    A filter on snapshot_date (the as-of merge reads deliveries <= the snapshot) skips the other
    partitions' files, and only the columns a model selects are read. The views keep the columns
    in the order this project declares them (_sources.yml); a column a newer registry added reads
    as NULL in older partitions (union_by_name). Their descriptions there become the views'
    comments (dbt's persist_docs does not apply to sources). -#}
{% macro lake_sources() -%}
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

{#- drop_build_schemas() -> before a build on a Spark server that outlives it (Spark Connect,
    SPARK_REMOTE; docs/SPARK.md): drop the databases a build creates (its layers', `raw` and the
    target's), so the build starts as empty as a new local session, and each mart holds the one
    snapshot being built, which is what its data tests and the import expect. The marts are
    external tables over the lake's spark_marts/: their files stay, and the orchestrator
    empties that folder. The server's catalog is the pipeline's own: these names are generic. -#}
{% macro drop_build_schemas() -%}
    {%- if target.type != 'spark' -%}
        {{ exceptions.raise_compiler_error("drop_build_schemas is for a Spark server (the spark target)") }}
    {%- endif -%}
    {%- set schemas = ['raw', target.schema] -%}
    {%- for node in graph.nodes.values() if node.resource_type in ('model', 'seed', 'snapshot') -%}
        {%- do schemas.append(node.schema) -%}
    {%- endfor -%}
    {%- for schema in schemas | unique | sort -%}
        {%- do run_query('drop database if exists ' ~ schema ~ ' cascade') -%}
        {%- do log('dropped database ' ~ schema ~ ' (if it existed)', info=true) -%}
    {%- endfor -%}
{%- endmacro %}

{#- A model's schema is its layer: the first folder under models/ (staging, intermediate,
    marts), so the warehouse has exactly one schema per layer and no `main_` prefixes.
    An explicit `schema` config is used as-is. The layer is deliberately not set with
    `+schema` in dbt_project.yml: dagster-dbt would then prefix every asset key with it,
    while the Dagster assets are keyed by model name (stg_cases, fct_metrics). -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- set layers = ['staging', 'intermediate', 'marts'] -%}
    {%- if custom_schema_name is not none -%}
        {{ custom_schema_name | trim }}
    {%- elif node.resource_type == 'model' and node.fqn | length > 2 and node.fqn[1] in layers -%}
        {{ node.fqn[1] }}
    {%- else -%}
        {{ target.schema }}
    {%- endif -%}
{%- endmacro %}

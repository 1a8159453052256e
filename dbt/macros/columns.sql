{#- columns_of(relation, except=[]) -> the column names of `relation`, comma-separated in the
    relation's order, without those listed in `except`: a portable `select * exclude (...)`
    (which is DuckDB-only SQL), for a table model that publishes all but some columns of its
    concept model (e.g. all but the owner_scope it is selected by).

    It reads the columns of the built relation (adapter.get_columns_in_relation, every adapter
    has it), so `relation` must be a ref of the model, built before it (dbt build/run order
    them so). While dbt parses (no warehouse) it renders `*`. A name in `except` that the
    relation lacks stops compilation, so a renamed column cannot slip into a mart. -#}
{% macro columns_of(relation, except=[]) -%}
    {%- if not execute -%}
        {{ return('*') }}
    {%- endif -%}
    {%- set names = adapter.get_columns_in_relation(relation) | map(attribute='name') | list -%}
    {%- if not names -%}
        {{ exceptions.raise_compiler_error("columns_of: " ~ relation ~ " has no columns (not built yet?)") }}
    {%- endif -%}
    {%- set unknown = except | reject('in', names) | list -%}
    {%- if unknown -%}
        {{ exceptions.raise_compiler_error("columns_of: " ~ relation ~ " has no column " ~ unknown | join(', ')) }}
    {%- endif -%}
    {{ return(names | reject('in', except) | join(', ')) }}
{%- endmacro %}

{#- json_text(column, key) -> VARCHAR: the value of top-level `key` in the JSON object text
    `column` (NULL when absent or not an object). Dispatched: DuckDB's json_extract_string,
    Spark's get_json_object. -#}
{% macro json_text(column, key) -%}
    {{ return(adapter.dispatch('json_text', 'zwfw')(column, key)) }}
{%- endmacro %}

{% macro default__json_text(column, key) -%}
    json_extract_string({{ column }}, '$.{{ key }}')
{%- endmacro %}

{% macro spark__json_text(column, key) -%}
    get_json_object({{ column }}, '$.{{ key }}')
{%- endmacro %}

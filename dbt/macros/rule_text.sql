{#- rule_text(kind, ...): one rule of `rules` in words. Python says the same
    (dagster_project/assets/dbt.py `rule_texts`): a test compares the two. -#}
{% macro rule_text(kind, subject, detail=none) %}
    {%- if kind == 'not_null' -%}
        {{ subject }} is never null
    {%- elif kind == 'unique' and subject is string -%}
        {{ subject }} is unique
    {%- elif kind == 'unique' -%}
        no two rows share ({{ subject | join(', ') }})
    {%- elif kind == 'accepted_values' -%}
        {%- set shown = [] %}{% for v in detail %}{% do shown.append("'" ~ v ~ "'") %}{% endfor -%}
        {{ subject }} is one of {{ shown | join(', ') }}
    {%- elif kind == 'between' -%}
        {{ subject }} lies between {{ detail[0] }} and {{ detail[1] }} inclusive
    {%- elif kind == 'numerator_le_denominator' -%}
        {{ subject[0] }} never exceeds {{ subject[1] }}
    {%- endif -%}
{% endmacro %}

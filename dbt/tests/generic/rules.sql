{#- rules(not_null, unique, accepted_values, between, numerator_le_denominator): every row rule
    of one model in ONE test node, so a build pays one node (and one Dagster check) per model
    rather than one per column and rule (dbt's per-node overhead is ~40 ms on DuckDB, ~0.5 s on
    Spark). Returns one row per broken rule: `rule` says it in words (the same words the Dagster
    check's description and the run summary use), `failing_rows` how many rows break it.

    not_null: [col, ...]                      col is never null
    unique: [col | [col, ...], ...]           a column: unique among its non-null values (dbt's
                                              `unique`); a list: no two rows share the
                                              combination, nulls included (unique_combination)
    accepted_values: {col: [value, ...]}      col is one of the values (NULL passes)
    between: {col: [min, max]}                min <= col <= max (NULL passes)
    numerator_le_denominator: [[num, den]]    num never exceeds den (NULL passes)

    The row rules share one scan; each uniqueness rule is one grouped scan. -#}
{% test rules(model, not_null=[], unique=[], accepted_values={}, between={}, numerator_le_denominator=[]) %}
    {%- set row_rules = [] %}
    {%- for column in not_null %}
    {%- do row_rules.append((rule_text('not_null', column), column ~ ' is null')) %}
{%- endfor %}
    {%- for column, values in accepted_values.items() %}
    {%- set quoted = [] %}
    {%- for value in values %}{% do quoted.append("'" ~ (value | string | replace("'", "''")) ~ "'") %}{% endfor %}
    {%- do row_rules.append((rule_text('accepted_values', column, values),
                              column ~ ' not in (' ~ quoted | join(', ') ~ ')')) %}
{%- endfor %}
    {%- for column, bounds in between.items() %}
    {%- do row_rules.append((rule_text('between', column, bounds),
                              '(' ~ column ~ ' < ' ~ bounds[0] ~ ' or ' ~ column ~ ' > ' ~ bounds[1] ~ ')')) %}
{%- endfor %}
    {%- for pair in numerator_le_denominator %}
    {%- do row_rules.append((rule_text('numerator_le_denominator', pair),
                              '(' ~ pair[0] ~ ') > (' ~ pair[1] ~ ')')) %}
{%- endfor %}
    {%- set branches = [] %}
    {%- if row_rules %}
    {%- for rule, broken in row_rules %}
        {%- do branches.append("select '" ~ (rule | replace("'", "''")) ~ "' as rule, broken_" ~ loop.index
                               ~ " as failing_rows from row_rules") %}
    {%- endfor %}
{%- endif %}
    {%- for key in unique %}
    {%- set columns = [key] if key is string else key %}
    {%- set nulls_skipped = "where " ~ key ~ " is not null" if key is string else "" %}
    {%- do branches.append("select '" ~ (rule_text('unique', key) | replace("'", "''")) ~ "' as rule, count(*) as failing_rows"
                           ~ " from (select " ~ columns | join(', ') ~ " from " ~ model ~ " " ~ nulls_skipped
                           ~ " group by " ~ columns | join(', ') ~ " having count(*) > 1) as duplicated") %}
{%- endfor %}
{%- if row_rules %}
with row_rules as (
    select
    {%- for rule, broken in row_rules %}
        coalesce(sum(case when {{ broken }} then 1 else 0 end), 0) as broken_{{ loop.index }}{{ "," if not loop.last }}
    {%- endfor %}
    from {{ model }}
)
{%- endif %}

select rule, failing_rows
from (
    {{ branches | join('\n    union all\n    ') }}
) as checked
where failing_rows > 0
{% endtest %}

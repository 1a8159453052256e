{#- Display text of metric values, exactly as the bulletin prints them.

    Rounding is done on the exact fraction numerator / denominator in integer arithmetic
    (both sides are read as DECIMAL(38,10) and scaled to HUGEINT), never on a binary DOUBLE:
    737 / 800 = 0.92125 prints '92.13%', although the DOUBLE 0.92125 is 0.92124999999….
    Every text macro returns '-' when the denominator is 0 or NULL (or the numerator NULL). -#}

{#- exact_scaled_int(expr) -> HUGEINT expr * 10^10 (exact for up to 10 decimals). -#}
{% macro exact_scaled_int(expr) -%}
    cast(cast({{ expr }} as decimal(38, 10)) * 10000000000 as {{ hugeint_type() }})
{%- endmacro %}

{#- scaled_ratio(numerator, denominator, scale, rounding='half_up') -> HUGEINT
    numerator / denominator * scale, rounded half-up (halves away from zero) or, with
    rounding='truncate', truncated toward zero. NULL when the denominator is 0 or NULL. -#}
{% macro scaled_ratio(numerator, denominator, scale, rounding='half_up') -%}
    {%- set n = exact_scaled_int(numerator) -%}
    {%- set d = exact_scaled_int(denominator) -%}
    {#- the sign as an integer: sign() is a DOUBLE on Spark, which would turn the exact result into one #}
    (case when {{ d }} <> 0 then (case when ({{ n }} < 0) = ({{ d }} < 0) then 1 else -1 end) *
        {%- if rounding == 'half_up' %}
        {{ int_div('abs(' ~ n ~ ') * ' ~ (scale * 2) ~ ' + abs(' ~ d ~ ')', '2 * abs(' ~ d ~ ')') }}
        {%- elif rounding == 'truncate' %}
        {{ int_div('abs(' ~ n ~ ') * ' ~ scale, 'abs(' ~ d ~ ')') }}
        {%- else -%}
        {{ exceptions.raise_compiler_error("scaled_ratio: rounding must be 'half_up' or 'truncate', got " ~ rounding) }}
        {%- endif %}
    end)
{%- endmacro %}

{#- fixed_point_text(scaled, decimals) -> VARCHAR of the integer `scaled` / 10^decimals
    with exactly `decimals` decimals (9213, 2 -> '92.13'). NULL stays NULL. -#}
{% macro fixed_point_text(scaled, decimals) -%}
    {%- if decimals == 0 -%}
        cast({{ scaled }} as {{ dbt.type_string() }})
    {%- else -%}
        cast(cast({{ scaled }} as decimal(38, 0)) * cast({{ 1 / (10 ** decimals) }} as decimal(38, {{ decimals }})) as {{ dbt.type_string() }})
    {%- endif -%}
{%- endmacro %}

{#- percent_text(numerator, denominator, decimals=2) -> '92.13%' (half-up), '-' if no denominator. -#}
{% macro percent_text(numerator, denominator, decimals=2) -%}
    coalesce({{ fixed_point_text(scaled_ratio(numerator, denominator, 100 * 10 ** decimals), decimals) }} || '%', '-')
{%- endmacro %}

{#- percent_floor_text(numerator, denominator) -> whole percent, truncated (table 18):
    2.55999 -> '255%'; '-' if no denominator. -#}
{% macro percent_floor_text(numerator, denominator) -%}
    coalesce({{ fixed_point_text(scaled_ratio(numerator, denominator, 100, rounding='truncate'), 0) }} || '%', '-')
{%- endmacro %}

{#- per_head_text(numerator, denominator, decimals=3) -> '3.071' (half-up), '-' if no denominator. -#}
{% macro per_head_text(numerator, denominator, decimals=3) -%}
    coalesce({{ fixed_point_text(scaled_ratio(numerator, denominator, 10 ** decimals), decimals) }}, '-')
{%- endmacro %}

{#- count_text(value) -> '2747'; '-' when NULL. -#}
{% macro count_text(value) -%}
    coalesce(cast(cast({{ value }} as {{ hugeint_type() }}) as {{ dbt.type_string() }}), '-')
{%- endmacro %}

{#- Value kinds of fct_metrics rows, and how each one is printed. -#}
{% macro metric_value_kinds() -%}
    {{ return(['count', 'percent', 'percent_floor', 'per_head', 'text']) }}
{%- endmacro %}

{#- metric_value_text(kind, numerator, denominator, value, text) -> the printed value_text of a
    long-form metric row: kind 'percent' | 'percent_floor' | 'per_head' format numerator /
    denominator, 'count' formats value, 'text' passes `text` through (statuses, system lists). -#}
{% macro metric_value_text(kind, numerator, denominator, value, text) -%}
    case {{ kind }}
        when 'count' then {{ count_text(value) }}
        when 'percent' then {{ percent_text(numerator, denominator) }}
        when 'percent_floor' then {{ percent_floor_text(numerator, denominator) }}
        when 'per_head' then {{ per_head_text(numerator, denominator) }}
        when 'text' then {{ text }}
    end
{%- endmacro %}

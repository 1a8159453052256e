{#- The snapshot a run computes, and the time windows derived from it (CONTRACT §1).
    Every model reads the snapshot through these macros, never through var() directly. -#}

{#- snapshot_date() -> SQL DATE literal of var `snapshot_date` (ISO `YYYY-MM-DD`), else, once
    dbt executes, of the environment variable ZWFW_SNAPSHOT_DATE. The orchestrator passes the
    environment variable: dbt's partial parsing is void whenever the command line's vars change,
    so a weekly build with the week in --vars would parse the whole project again (~8 s); the
    variable is read only while executing, never while parsing, so the saved parse stays valid.
    Missing or malformed: compilation stops with an error. While dbt only parses (execute =
    false) a missing var renders a NULL placeholder, so `dbt parse` works without it. -#}
{% macro snapshot_date() -%}
    {%- set raw = var('snapshot_date', none) -%}
    {%- if raw is none and execute -%}
        {%- set raw = env_var('ZWFW_SNAPSHOT_DATE', '') -%}
    {%- endif -%}
    {%- set value = '' if raw is none else (raw | string | trim) -%}
    {%- if value == '' -%}
        {%- if execute -%}
            {{ exceptions.raise_compiler_error(
                "var `snapshot_date` is required: run e.g. "
                ~ "dbt build --vars '{snapshot_date: \"2020-12-25\"}'") }}
        {%- endif -%}
        cast(null as date)
    {%- elif not is_iso_date(value) -%}
        {{ exceptions.raise_compiler_error(
            "var `snapshot_date` must be a calendar date YYYY-MM-DD, got " ~ (value | tojson)) }}
    {%- else -%}
        date '{{ value }}'
    {%- endif -%}
{%- endmacro %}

{#- is_iso_date(text) -> true when `text` is YYYY-MM-DD and a real calendar day. -#}
{% macro is_iso_date(text) -%}
    {%- if not modules.re.fullmatch('[0-9]{4}-[0-9]{2}-[0-9]{2}', text) -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set y, m, d = text.split('-') | map('int') | list -%}
    {%- set leap = (y % 4 == 0 and y % 100 != 0) or y % 400 == 0 -%}
    {%- set month_days = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] -%}
    {{ return(1 <= m <= 12 and 1 <= d <= month_days[m - 1]) }}
{%- endmacro %}

{#- snapshot_end() -> TIMESTAMP, the last instant of the snapshot day (23:59:59.999999):
    "as of the end of that day". Use `<= snapshot_end()` for "on or before the snapshot". -#}
{% macro snapshot_end() -%}
    (cast({{ snapshot_date() }} as timestamp) + interval 1 day - interval 1 microsecond)
{%- endmacro %}

{#- ytd_start() / ytd_end() -> TIMESTAMPs bounding "2020年以来" (CONTRACT §1):
    Jan 1 00:00:00 of the snapshot's year up to and including the snapshot day's 23:59:59. -#}
{% macro ytd_start() -%}
    cast(date_trunc('year', {{ snapshot_date() }}) as timestamp)
{%- endmacro %}

{% macro ytd_end() -%}
    {{ snapshot_end() }}
{%- endmacro %}

{#- is_in_ytd(column) -> boolean predicate: the timestamp falls in the YTD window. -#}
{% macro is_in_ytd(column) -%}
    ({{ column }} between {{ ytd_start() }} and {{ ytd_end() }})
{%- endmacro %}

{#- check_snapshot_date() -> SQL run by on-run-start: fails the run at once when the var is
    missing, malformed or not a calendar date. -#}
{% macro check_snapshot_date() -%}
    {%- if execute -%}
        select {{ snapshot_date() }} as snapshot_date
    {%- endif -%}
{%- endmacro %}

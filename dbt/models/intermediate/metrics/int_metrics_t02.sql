-- Table 2 in long form: one row per (metric_code, scope, unit_code), scope city_level (every
-- city) and city_counties (only cities with such counties: 济源示范区 has no row), each with
-- its 合计.
with process_completeness as (
    select
        scope,
        unit_code,
        unit_name,
        level_process_complete_numerator as numerator,
        level_process_complete_denominator as denominator
    from {{ ref('int_t02_process_completeness') }}
    union all
    select
        'city_counties' as scope,
        unit_code,
        unit_name,
        counties_process_complete_numerator,
        counties_process_complete_denominator
    from {{ ref('int_t02_process_completeness') }}
    where has_counties
)

{{ metrics_long_form('process_completeness', table_no=2, metrics=[
    {'metric_code': 't02_process_complete', 'numerator': 'numerator', 'denominator': 'denominator'},
]) }}

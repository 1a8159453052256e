-- GENERATED from dbt/seeds/metric_glossary.csv by `python -m dagster_project.glossary`: do not
-- edit. Every share of fct_metrics lies in [0, 1] and its numerator never exceeds its
-- denominator, except the ratios the glossary marks may_exceed_100. Returns the rows that break it.
select
    snapshot_date,
    table_no,
    metric_code,
    scope,
    unit_code,
    numerator,
    denominator,
    value
from {{ ref('fct_metrics') }}
where
    numerator is not null
    and metric_code not in (
        't11_cases_per_capita',
        't14_active_eval_rate',
        't15_active_eval_rate',
        't18_target_completion'
    )
    and (numerator > denominator or value < 0 or value > 1)

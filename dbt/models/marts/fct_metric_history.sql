-- Every published figure with its trend, every snapshot: one row per (snapshot_date,
-- metric_code, scope, unit_code) of fct_metrics, with the value of the previous published
-- snapshot and of the fourth before it (int_metrics_before, from the lake), the changes against
-- them, and the unit's rank within its scope (1 = highest value; 合计 and rows without a value
-- are not ranked).
with current_figures as (
    select * from {{ ref('fct_metrics') }}
),

before as (
    select * from {{ ref('int_metrics_before') }}
)

select
    current_figures.snapshot_date,
    current_figures.table_no,
    current_figures.metric_code,
    current_figures.scope,
    current_figures.unit_code,
    current_figures.unit_name,
    current_figures.unit_code = 'TOTAL' as is_total,
    current_figures.value,
    current_figures.value_text,
    previous.snapshot_date as previous_snapshot_date,
    previous.value as previous_value,
    current_figures.value - previous.value as change_previous,
    fourth.snapshot_date as fourth_before_snapshot_date,
    fourth.value as fourth_before_value,
    current_figures.value - fourth.value as change_fourth_before,
    case
        when current_figures.unit_code <> 'TOTAL' and current_figures.value is not null
            then
                cast(rank() over (
                    partition by
                        current_figures.metric_code, current_figures.scope,
                        current_figures.unit_code <> 'TOTAL' and current_figures.value is not null
                    order by current_figures.value desc
                ) as integer)
    end as rank_in_scope,
    cast(count(case when current_figures.unit_code <> 'TOTAL' then current_figures.value end) over (
        partition by current_figures.metric_code, current_figures.scope
    ) as integer) as units_ranked
from current_figures
left join before as previous
    on
        previous.snapshots_back = 1
        and current_figures.metric_code = previous.metric_code
        and current_figures.scope = previous.scope
        and current_figures.unit_code = previous.unit_code
left join before as fourth
    on
        fourth.snapshots_back = 4
        and current_figures.metric_code = fourth.metric_code
        and current_figures.scope = fourth.scope
        and current_figures.unit_code = fourth.unit_code

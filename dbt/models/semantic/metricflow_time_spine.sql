-- The day spine MetricFlow requires (time grains of metric_time). One row per day, 2020–2030.
-- Not published: the bulletin's metrics need no spine join (no cumulative or offset metrics).
select cast(day as date) as date_day
from {{ day_range('2020-01-01', '2030-12-31') }}

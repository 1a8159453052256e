{#- worklist_size_rule(model, metrics) — the worklist holds exactly the records behind each
    unit's shortfall: for every metric of worklist_metrics() and every listed unit (not 合计) of
    every snapshot of `metrics` (fct_metrics), the rows of `model` (fct_worklist) number
    denominator − numerator for a ratio, value for a count. Fails on every (snapshot, table,
    metric, scope, unit) where they differ, and on a listed code fct_metrics does not publish. -#}
{% test worklist_size_rule(model, metrics) %}
    {%- set codes = worklist_metrics() %}
with rules as (
{%- for metric in codes %}
    select '{{ metric.metric_code }}' as metric_code, '{{ metric.size }}' as size
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

expected as (
    select
        metrics.snapshot_date, metrics.table_no, metrics.metric_code, metrics.scope, metrics.unit_code,
        case when rules.size = 'value' then metrics.value
             else metrics.denominator - metrics.numerator end as expected_records
    from {{ metrics }} as metrics
    inner join rules on rules.metric_code = metrics.metric_code
    where metrics.unit_code <> 'TOTAL'
),

actual as (
    select snapshot_date, table_no, metric_code, scope, unit_code, count(*) as records
    from {{ model }}
    group by snapshot_date, table_no, metric_code, scope, unit_code
),

compared as (
    select
        coalesce(expected.snapshot_date, actual.snapshot_date) as snapshot_date,
        coalesce(expected.metric_code, actual.metric_code) as metric_code,
        coalesce(expected.scope, actual.scope) as scope,
        coalesce(expected.unit_code, actual.unit_code) as unit_code,
        expected.expected_records,
        coalesce(actual.records, 0) as records
    from expected
    full outer join actual
        on actual.snapshot_date = expected.snapshot_date
        and actual.table_no = expected.table_no
        and actual.metric_code = expected.metric_code
        and actual.scope = expected.scope
        and actual.unit_code = expected.unit_code
)

select snapshot_date, metric_code, scope, unit_code, expected_records, records,
    'worklist size differs from the metric' as problem
from compared
where expected_records is null or expected_records <> records

union all
select null, rules.metric_code, null, null, null, null, 'fct_metrics publishes no such metric'
from rules
where not exists (select 1 from {{ metrics }} as metrics where metrics.metric_code = rules.metric_code)
{% endtest %}

{#- counts_every_reject(model) — `model` (fct_data_quality) counts every rejected row of the
    snapshot exactly once (nothing lost on the way to a unit): returns the snapshot when its
    rejected rows and raw.rejects differ. -#}
{% test counts_every_reject(model) %}
with rejected as (
    select count(*) as n from {{ source('raw', 'rejects') }} where snapshot_date = {{ snapshot_date() }}
),

counted as (
    select coalesce(sum(issue_rows), 0) as n
    from {{ model }}
    where snapshot_date = {{ snapshot_date() }} and issue = 'rejected'
)

select {{ snapshot_date() }} as snapshot_date, rejected.n as rejected, counted.n as counted
from rejected cross join counted
where rejected.n <> counted.n
{% endtest %}

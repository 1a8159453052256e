-- 查漏补缺 worklist: the records behind every unit's shortfall. One row per (snapshot_date,
-- table_no, metric_code, scope, unit_code, record_id) for the metrics of worklist_metrics():
-- each listed unit (the same units and members as the table, macro listed_units) gets the
-- records of its member departments that its metric does not count as done, the department
-- that must act, and the reason. first_seen carries over from the previous published snapshot
-- (the lake's partition of this mart) while the record stays on the unit's list.
{%- set metrics = worklist_metrics() %}
{%- set previous = previous_mart_partition(this.identifier) %}
with records as (
    select * from {{ ref('int_worklist_items') }}
    union all
    select * from {{ ref('int_worklist_departments') }}
    union all
    select * from {{ ref('int_worklist_events') }}
),

listed_members as (
    {%- for metric in metrics %}
        select
            cast({{ metric.table_no }} as integer) as table_no,
            '{{ metric.metric_code }}' as metric_code,
            '{{ metric.concept }}' as concept,
            members.scope,
            members.unit_code,
            members.dept_id
        from {{ ref('int_unit_departments') }} as members
        -- the units the metric lists, as its table's metrics_by_unit() lists them (one macro)
        inner join ({{ listed_units(metric.scopes, metric.roster) }}) as units  -- noqa: ST05
            on members.scope = units.scope and members.unit_code = units.unit_code
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

current_list as (
    select
        {{ snapshot_date() }} as snapshot_date,
        listed_members.table_no,
        cast(listed_members.metric_code as {{ dbt.type_string() }}) as metric_code,
        cast(listed_members.scope as {{ dbt.type_string() }}) as scope,
        cast(listed_members.unit_code as {{ dbt.type_string() }}) as unit_code,
        cast(records.record_kind as {{ dbt.type_string() }}) as record_kind,
        cast(records.record_id as {{ dbt.type_string() }}) as record_id,
        cast(records.record_name as {{ dbt.type_string() }}) as record_name,
        cast(records.dept_id as {{ dbt.type_string() }}) as dept_id,
        cast(departments.dept_name as {{ dbt.type_string() }}) as dept_name,
        cast(records.reason as {{ dbt.type_string() }}) as reason
    from listed_members
    inner join records
        on listed_members.concept = records.concept and listed_members.dept_id = records.dept_id
    left join {{ ref('stg_departments') }} as departments
        on records.dept_id = departments.dept_id
)

select
    current_list.*,
    {%- if previous %}
        -- on last week's list ({{ previous.snapshot_date }}): the run goes on
        coalesce(previous.first_seen, current_list.snapshot_date) as first_seen
    {%- else %}
        current_list.snapshot_date as first_seen
    {%- endif %}
from current_list
{%- if previous %}
    left join {{ parquet_file(previous.file) }} as previous
        on
            current_list.table_no = previous.table_no
            and current_list.metric_code = previous.metric_code
            and current_list.scope = previous.scope
            and current_list.unit_code = previous.unit_code
            and current_list.record_id = previous.record_id
{%- endif %}

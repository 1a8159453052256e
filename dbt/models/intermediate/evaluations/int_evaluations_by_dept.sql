-- What tables 14 and 15 count, per department: YTD active evaluations (attributed by their
-- dept_id), completed QC-passed YTD cases, published items and those with ≥ 1 YTD active
-- evaluation (evaluation → item by item_code), 差评 and their rectification.
-- One row per department (dept_id) of stg_departments.
with active_evaluations as (
    select * from {{ ref('int_evaluations_ytd') }}
    where is_active
),

evaluations_by_dept as (
    select
        dept_id,
        count(*) as active_evals,
        count(*) filter (where has_known_case) as known_case_evals,
        count(*) filter (where is_bad) as bad_evals,
        count(*) filter (where is_bad and rectified_on_time) as bad_rectified_on_time,
        count(*) filter (where is_bad and pending_not_due) as bad_pending_not_due
    from active_evaluations
    group by dept_id
),

completed_cases_by_dept as (
    select
        dept_id,
        count(*) as completed_cases
    from {{ ref('int_cases_ytd') }}
    where qc_passed and is_completed
    group by dept_id
),

items_by_dept as (
    select
        items.dept_id,
        count(*) as items,
        count(*) filter (
            where items.item_code in (select active_evaluations.item_code from active_evaluations)
        ) as evaluated_items
    from {{ ref('int_published_items') }} as items
    group by items.dept_id
),

facts as (
    select
        departments.dept_id,
        coalesce(evaluations_by_dept.active_evals, 0) as active_evals,
        coalesce(evaluations_by_dept.known_case_evals, 0) as known_case_evals,
        coalesce(evaluations_by_dept.bad_evals, 0) as bad_evals,
        coalesce(evaluations_by_dept.bad_rectified_on_time, 0) as bad_rectified_on_time,
        coalesce(evaluations_by_dept.bad_pending_not_due, 0) as bad_pending_not_due,
        coalesce(completed_cases_by_dept.completed_cases, 0) as completed_cases,
        coalesce(items_by_dept.items, 0) as items,
        coalesce(items_by_dept.evaluated_items, 0) as evaluated_items
    from {{ ref('stg_departments') }} as departments
    left join evaluations_by_dept on departments.dept_id = evaluations_by_dept.dept_id
    left join completed_cases_by_dept on departments.dept_id = completed_cases_by_dept.dept_id
    left join items_by_dept on departments.dept_id = items_by_dept.dept_id
)

select
    *,
    items > 0 as has_items,
    items > 0 and active_evals > 0 as is_evaluated_dept
from facts

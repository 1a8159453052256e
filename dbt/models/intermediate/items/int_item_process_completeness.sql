-- Process completeness (流程内容详实, CONTRACT §3 item_steps) of every published item.
-- One row per published item (item_code), with its department, the gaps counted one by one
-- (so that a worklist can say which is missing) and is_process_complete, which is the absence
-- of every gap: ≥ 1 step; every step has a non-blank step_name, handler and review_criteria and
-- a time_limit_days ≥ 0; the steps' limits add up to no more than promised_limit_days (when
-- set); the item's result_spec is non-blank. Steps of unpublished items are ignored.
with steps as (
    select
        item_code,
        count(*) as step_count,
        count(*) filter (where coalesce(trim(step_name), '') = '') as blank_name_steps,
        count(*) filter (where coalesce(trim(handler), '') = '') as blank_handler_steps,
        count(*) filter (where coalesce(trim(review_criteria), '') = '') as blank_criteria_steps,
        count(*) filter (where not coalesce(time_limit_days >= 0, false)) as bad_limit_steps,
        sum(time_limit_days) as step_limit_days
    from {{ ref('stg_item_steps') }}
    group by item_code
),

gaps as (
    select
        items.item_code,
        items.dept_id,
        items.is_license,
        items.promised_limit_days,
        coalesce(steps.step_count, 0) as step_count,
        coalesce(steps.blank_name_steps, 0) as blank_name_steps,
        coalesce(steps.blank_handler_steps, 0) as blank_handler_steps,
        coalesce(steps.blank_criteria_steps, 0) as blank_criteria_steps,
        coalesce(steps.bad_limit_steps, 0) as bad_limit_steps,
        steps.step_limit_days,
        coalesce(
            items.promised_limit_days is not null and steps.step_limit_days > items.promised_limit_days,
            false
        ) as exceeds_promised_limit,
        coalesce(trim(items.result_spec), '') = '' as blank_result_spec
    from {{ ref('int_published_items') }} as items
    left join steps on items.item_code = steps.item_code
)

select
    *,
    step_count >= 1
    and blank_name_steps = 0
    and blank_handler_steps = 0
    and blank_criteria_steps = 0
    and bad_limit_steps = 0
    and not exceeds_promised_limit
    and not blank_result_spec as is_process_complete
from gaps

-- Process completeness (流程内容详实, CONTRACT §3 item_steps) of every published item.
-- One row per published item (item_code), with its department and is_process_complete:
-- ≥ 1 step; every step has a non-blank step_name, handler and review_criteria and a
-- time_limit_days ≥ 0; the steps' limits add up to no more than promised_limit_days (when
-- set); the item's result_spec is non-blank. Steps of unpublished items are ignored.
with steps as (
    select
        item_code,
        count(*) as step_count,
        bool_and(
            coalesce(trim(step_name), '') <> ''
            and coalesce(trim(handler), '') <> ''
            and coalesce(trim(review_criteria), '') <> ''
            and coalesce(time_limit_days >= 0, false)
        ) as all_steps_complete,
        sum(time_limit_days) as step_limit_days
    from {{ ref('stg_item_steps') }}
    group by item_code
)

select
    items.item_code,
    items.dept_id,
    items.is_license,
    coalesce(steps.step_count, 0) as step_count,
    steps.step_limit_days,
    coalesce(
        steps.step_count >= 1
        and steps.all_steps_complete
        and (items.promised_limit_days is null or steps.step_limit_days <= items.promised_limit_days)
        and coalesce(trim(items.result_spec), '') <> '',
        false
    ) as is_process_complete
from {{ ref('int_published_items') }} as items
left join steps on steps.item_code = items.item_code

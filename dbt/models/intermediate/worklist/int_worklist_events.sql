-- The evaluations and tickets that keep a unit short of an event metric, with the reason in
-- Chinese (查漏补缺). One row per (concept, record_id): eval_completeness and rectify_on_time
-- list YTD active evaluations (eval_id), consult_on_time and complaint_on_time list YTD tickets
-- (ticket_id), each attributed to its own dept_id as the metric attributes it. Each branch is
-- the complement of its metric's numerator within its denominator (the on-time rule of
-- macros/on_time.sql: pending-not-due records are in neither; data test worklist_size_rule).
with items as (
    select
        item_code,
        item_name
    from {{ ref('int_published_items') }}
),

active_evaluations as (
    select
        evaluations.*,
        coalesce(items.item_name, evaluations.item_code) as item_label
    from {{ ref('int_evaluations_ytd') }} as evaluations
    left join items on evaluations.item_code = items.item_code
    where evaluations.is_active
),

tickets as (
    select
        *,
        case when is_consultation then '咨询' else '投诉' end as kind_label
    from {{ ref('int_tickets_ytd') }}
    where is_consultation or is_complaint
)

-- 表14、表15 主动评价数据完整性: the evaluation's case is unknown
select
    'eval_completeness' as concept,
    'evaluation' as record_kind,
    eval_id as record_id,
    item_label as record_name,
    dept_id,
    case
        when case_id is null then '评价未填写办件编号'
        else '评价关联的办件不存在（办件编号' || case_id || '）'
    end as reason
from active_evaluations
where not has_known_case

union all
-- 表14、表15 差评按期整改率: late, or not rectified and past due
select
    'rectify_on_time' as concept,
    'evaluation' as record_kind,
    eval_id,
    item_label,
    dept_id,
    case
        when rectify_due_at is null then '差评未设整改时限'
        when rectified_at is null or rectified_at > {{ snapshot_end() }} then '差评逾期未整改'
        else '差评超期整改'
    end
from active_evaluations
where is_bad and not rectified_on_time and not pending_not_due

union all
-- 表16、表17 咨询、投诉按期办结率
select
    case when is_consultation then 'consult_on_time' else 'complaint_on_time' end as concept,
    'ticket' as record_kind,
    ticket_id,
    kind_label || '（' || cast(cast(received_at as date) as {{ dbt.type_string() }}) || '受理）',
    dept_id,
    case
        when due_at is null then kind_label || '未设办理时限'
        when closed_at is null or closed_at > {{ snapshot_end() }} then kind_label || '超期未办结'
        else kind_label || '超期办结'
    end
from tickets
where not on_time and not pending_not_due

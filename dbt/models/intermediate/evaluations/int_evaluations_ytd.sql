-- Evaluations (好差评) given in the YTD window ("2020年以来", by evaluated_at), with the flags the
-- tables count. One row per evaluation (eval_id) with evaluated_at in [Jan 1, snapshot 23:59:59].
-- Default evaluations (source 'default') are kept but never active: every count uses is_active.
select
    evaluations.snapshot_date,
    evaluations.eval_id,
    evaluations.case_id,
    evaluations.item_code,
    evaluations.dept_id,
    evaluations.source,
    evaluations.rating,
    evaluations.evaluated_at,
    evaluations.rectify_due_at,
    evaluations.rectified_at,
    evaluations.source = 'active' as is_active,
    -- 差评 = active with rating ≤ 2
    coalesce(evaluations.source = 'active' and evaluations.rating <= 2, false) as is_bad,
    -- the evaluation's case is known (any case as of the snapshot, not only YTD ones). An IN
    -- list, not a correlated EXISTS: Spark's planner fails on that one over a unit test's rows.
    coalesce(evaluations.case_id in (select cases.case_id from {{ ref('stg_cases') }} as cases), false)
        as has_known_case,
    {{ is_done_on_time('evaluations.rectified_at', 'evaluations.rectify_due_at') }} as rectified_on_time,
    {{ is_pending_not_due('evaluations.rectified_at', 'evaluations.rectify_due_at') }} as pending_not_due
from {{ ref('stg_evaluations') }} as evaluations
where {{ is_in_ytd('evaluations.evaluated_at') }}

-- Tickets (咨询投诉) received in the YTD window ("2020年以来", by received_at), with the on-time
-- flags. One row per ticket (ticket_id) with received_at in [Jan 1, snapshot 23:59:59].
select
    snapshot_date,
    ticket_id,
    kind,
    kind = 'consultation' as is_consultation,
    kind = 'complaint' as is_complaint,
    dept_id,
    received_at,
    due_at,
    closed_at,
    {{ is_done_on_time('closed_at', 'due_at') }} as on_time,
    {{ is_pending_not_due('closed_at', 'due_at') }} as pending_not_due
from {{ ref('stg_tickets') }}
where {{ is_in_ytd('received_at') }}

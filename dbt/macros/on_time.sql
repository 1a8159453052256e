{#- The on-time rule of deadlines (差评 rectification, consultations and complaints; CONTRACT §5),
    written once for every table that uses it:

      on-time rate = done on time / (all − pending and not yet due)

    is_done_on_time(done_at, due_at) -> boolean: done on or before the due instant (exactly at
      due_at counts as on time), and done as of the snapshot. Not done: false.
    is_pending_not_due(done_at, due_at) -> boolean: not done as of the snapshot and due after it;
      such records leave the denominator. An open record already past due (overdue-open) is
      neither: it stays in the denominator and counts as late. -#}
{% macro is_done_on_time(done_at, due_at) -%}
    coalesce({{ done_at }} <= {{ due_at }} and {{ done_at }} <= {{ snapshot_end() }}, false)
{%- endmacro %}

{% macro is_pending_not_due(done_at, due_at) -%}
    coalesce(({{ done_at }} is null or {{ done_at }} > {{ snapshot_end() }}) and {{ due_at }} > {{ snapshot_end() }}, false)
{%- endmacro %}

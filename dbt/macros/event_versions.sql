{#- event_versions_as_of(relation, key, version_column='updated_at')
    -> SELECT of one row per `key`: the version an event source (cases, evaluations, tickets)
    has as of the snapshot (CONTRACT §1). Only deliveries with snapshot_date <= the snapshot
    count; the greatest `version_column` wins; ties: the later delivery, then the later
    file, then the later line. All raw columns are returned unchanged (incl. snapshot_date
    = the winning version's delivery, _file, _line). -#}
{% macro event_versions_as_of(relation, key, version_column='updated_at') %}
    select *
    from {{ relation }}
    where snapshot_date <= {{ snapshot_date() }}
    qualify row_number() over (
        partition by {{ key }}
        order by
            {{ version_column }} desc nulls last,
            snapshot_date desc,
            _file desc,
            _line desc
    ) = 1
{% endmacro %}

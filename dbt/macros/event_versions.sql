{#- event_versions_as_of(relation, key, columns=none, version_column='updated_at')
    -> SELECT of one row per `key`: the version an event source (cases, evaluations, tickets)
    has as of the snapshot (CONTRACT §1). Only deliveries with snapshot_date <= the snapshot
    count; the greatest `version_column` wins; ties: the later delivery, then the later
    file, then the later line. Returns `key`, `columns` (all raw columns when none), the
    version column, snapshot_date (= the winning version's delivery), _file and _line.
    Naming the columns keeps the window narrow: at a full province's 117 M cases, the sort
    would otherwise carry every wide column (the personal hashes above all) through the spill. -#}
{% macro event_versions_as_of(relation, key, columns=none, version_column='updated_at') %}
    select
    {%- if columns %} {{ key }}, {{ columns | join(', ') }}, {{ version_column }}, snapshot_date, _file, _line
    {%- else %} *{% endif %}
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

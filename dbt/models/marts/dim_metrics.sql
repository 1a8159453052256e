-- Every published metric in the words a reader of the bulletin knows (主动评价覆盖事项率 →
-- t15_item_coverage), as of the snapshot. One row per (snapshot_date, metric_code): table and
-- title, name as printed, the scopes it is published for, how it prints, the formula, what the
-- numerator and the denominator count, and whether fct_worklist lists the records behind it.
{%- set worklist_codes = worklist_metrics() | map(attribute='metric_code') | list %}
with published as (
    select
        metric_code,
        {{ ordered_string_agg('scope', ',', 'scope', distinct=true) }} as scopes
    from {{ ref('fct_metrics') }}
    group by metric_code
)

select
    {{ snapshot_date() }} as snapshot_date,
    glossary.metric_code,
    glossary.table_no,
    bulletin.table_title,
    glossary.metric_name,
    published.scopes,
    glossary.value_kind,
    glossary.unit_of_measure,
    case glossary.value_kind
        when 'percent' then '百分比，保留两位小数（四舍五入）'
        when 'percent_floor' then '百分比，取整数部分（不四舍五入）'
        when 'per_head' then '保留三位小数'
        when 'count' then '整数'
        else '文字'
    end as prints_as,
    glossary.formula,
    glossary.numerator,
    glossary.denominator,
    glossary.metric_code in ({{ "'" ~ worklist_codes | join("', '") ~ "'" }}) as has_worklist
from {{ ref('metric_glossary') }} as glossary
inner join {{ ref('bulletin_tables') }} as bulletin on glossary.table_no = bulletin.table_no
left join published on glossary.metric_code = published.metric_code

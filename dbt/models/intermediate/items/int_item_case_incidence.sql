-- Case incidence of every published item: its YTD cases (int_cases_ytd rows carrying its
-- item_code, whatever department handled them; codes are unique province-wide, CONTRACT §4).
-- One row per published item (item_code), with its department, is_license, ytd_cases and
-- has_ytd_case (≥ 1 YTD case). Cases of unknown or unpublished item codes are ignored here.
with cases_by_item as (
    select
        item_code,
        count(*) as ytd_cases
    from {{ ref('int_cases_ytd') }}
    group by item_code
)

select
    items.item_code,
    items.dept_id,
    items.is_license,
    coalesce(cases_by_item.ytd_cases, 0) as ytd_cases,
    coalesce(cases_by_item.ytd_cases, 0) > 0 as has_ytd_case
from {{ ref('int_published_items') }} as items
left join cases_by_item on items.item_code = cases_by_item.item_code

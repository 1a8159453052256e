-- Table 10 (省直部门办件情况) for the snapshot: per provincial department (province_dept), the
-- online acceptance rate of its YTD cases (online or mobile / all, cases attributed by their
-- dept_id), its published items, those without any YTD case (int_item_case_incidence) and the
-- 行政许可 items among them. Print order: department order.
-- One row per (scope, unit_code = dept_id), plus 合计 (unit_code 'TOTAL').
with cases_by_unit as (
    {{ metrics_by_unit(
        ref('int_cases_ytd'),
        scopes=['province_dept'],
        measures={
            'cases': 'count(*)',
            'online_cases': 'count(*) filter (where is_online)',
        },
    ) }}
),

items_by_unit as (
    {{ metrics_by_unit(
        ref('int_item_case_incidence'),
        scopes=['province_dept'],
        measures={
            'items': 'count(*)',
            'items_without_cases': 'count(*) filter (where not has_ytd_case)',
            'license_items_without_cases': 'count(*) filter (where is_license and not has_ytd_case)',
        },
    ) }}
)
,

by_unit as (
    select
        items_by_unit.scope,
        items_by_unit.unit_code,
        items_by_unit.unit_name,
        items_by_unit.unit_order,
        items_by_unit.is_total,
        cases_by_unit.cases,
        cases_by_unit.online_cases,
        items_by_unit.items,
        items_by_unit.items_without_cases,
        items_by_unit.license_items_without_cases
    from items_by_unit
    inner join cases_by_unit
        on
            items_by_unit.scope = cases_by_unit.scope
            and items_by_unit.unit_code = cases_by_unit.unit_code
)

select
    {{ snapshot_date() }} as snapshot_date,
    scope,
    {{ print_order() }} as print_order,
    unit_code,
    unit_name,
    is_total,
    cases,
    online_cases,
    {{ ratio_columns('online_acceptance', 'online_cases', 'cases') }},
    items,
    items_without_cases,
    license_items_without_cases
from by_unit

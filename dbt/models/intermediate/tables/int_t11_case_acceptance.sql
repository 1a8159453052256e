-- Table 11 (省辖市、省直管县（市）办件情况) for the snapshot, per city (含县区, scope city_total:
-- a direct-admin county's departments are not in its city) and per 省直管县（市）
-- (direct_county): online acceptance of YTD cases (online or mobile / all, by case dept_id),
-- item incidence (items with ≥ 1 YTD case / items, int_item_case_incidence), the same over
-- 行政许可 items, and QC-passed YTD cases per head of the previous year's resident population
-- (int_unit_population; 合计 = Σ cases / Σ population of the listed units).
-- One row per (scope, unit_code = region_code), plus 合计 (unit_code 'TOTAL') per scope.
-- Print order: region code.
with cases_by_unit as (
    {{ metrics_by_unit(
        ref('int_cases_ytd'),
        scopes=['city_total', 'direct_county'],
        measures={
            'cases': 'count(*)',
            'online_cases': 'count(*) filter (where is_online)',
            'qc_passed_cases': 'count(*) filter (where qc_passed)',
        },
    ) }}
),

items_by_unit as (
    {{ metrics_by_unit(
        ref('int_item_case_incidence'),
        scopes=['city_total', 'direct_county'],
        measures={
            'items': 'count(*)',
            'items_with_cases': 'count(*) filter (where has_ytd_case)',
            'license_items': 'count(*) filter (where is_license)',
            'license_items_with_cases': 'count(*) filter (where is_license and has_ytd_case)',
        },
    ) }}
),

population as (
    select
        scope,
        unit_code,
        resident_population
    from {{ ref('int_unit_population') }}
    where scope in ('city_total', 'direct_county')
),

by_unit as (
    select
        items_by_unit.scope,
        items_by_unit.unit_code,
        items_by_unit.unit_name,
        items_by_unit.unit_order,
        items_by_unit.is_total,
        cases_by_unit.cases,
        cases_by_unit.online_cases,
        cases_by_unit.qc_passed_cases,
        items_by_unit.items,
        items_by_unit.items_with_cases,
        items_by_unit.license_items,
        items_by_unit.license_items_with_cases,
        population.resident_population
    from items_by_unit
    inner join cases_by_unit
        on
            items_by_unit.scope = cases_by_unit.scope
            and items_by_unit.unit_code = cases_by_unit.unit_code
    left join population
        on
            items_by_unit.scope = population.scope
            and items_by_unit.unit_code = population.unit_code
),

with_totals as (
    -- 合计 population = Σ over the scope's listed units (NULL if one of them has none)
    select
        scope,
        unit_code,
        unit_name,
        unit_order,
        is_total,
        cases,
        online_cases,
        qc_passed_cases,
        items,
        items_with_cases,
        license_items,
        license_items_with_cases,
        case
            when is_total
                then
                    case
                        when
                            sum(case when not is_total and resident_population is null then 1 else 0 end)
                                over (partition by scope)
                            = 0
                            then sum(case when not is_total then resident_population end) over (partition by scope)
                    end
            else resident_population
        end as resident_population
    from by_unit
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
    items_with_cases,
    {{ ratio_columns('item_incidence', 'items_with_cases', 'items') }},
    license_items,
    license_items_with_cases,
    {{ ratio_columns('license_item_incidence', 'license_items_with_cases', 'license_items') }},
    qc_passed_cases,
    resident_population,
    {{ ratio_columns('cases_per_capita', 'qc_passed_cases', 'resident_population', text='per_head_text') }}
from with_totals

-- Table 7 (省辖市电子印章部门覆盖情况) for the snapshot: per city, the non-tax departments of its
-- whole area (city_area: 市本级, its counties and its direct-admin counties) and those that have
-- a seal (int_department_seals). One row per (scope city_area, unit_code = region_code),
-- 合计 (unit_code 'TOTAL') last; print order by region code (CONTRACT §5).
with non_tax_departments as (
    select
        dept_id,
        has_seal
    from {{ ref('int_department_seals') }}
    where not is_tax
),

by_unit as (
    {{ metrics_by_unit(
        'non_tax_departments',
        scopes=['city_area'],
        measures={
            'departments': 'count(*)',
            'sealed_departments': 'count(*) filter (where has_seal)',
        },
    ) }}
)

select
    {{ snapshot_date() }} as snapshot_date,
    scope,
    {{ print_order() }} as print_order,
    unit_code,
    unit_name,
    is_total,
    departments,
    sealed_departments,
    {{ ratio_columns('seal_coverage', 'sealed_departments', 'departments') }}
from by_unit

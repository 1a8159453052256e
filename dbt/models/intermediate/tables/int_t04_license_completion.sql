-- Table 4 (省直部门电子证照制作完成情况) for the snapshot: per provincial department issuing
-- province-level licence types (roster issues_province_license_types), the types it is
-- responsible for, those with sealed licences, and the sealed licences. One row per
-- (scope province_dept, unit_code = dept_id), 合计 (unit_code 'TOTAL') last.
with by_unit as (
    {{ metrics_by_unit(
        ref('int_province_license_types'),
        scopes=['province_dept'],
        measures={
            'types_responsible': 'count(*)',
            'types_sealed': 'count(*) filter (where sealed_count > 0)',
            'sealed_licenses': 'sum(sealed_count)',
        },
        roster='issues_province_license_types',
        dept_column='issuer_dept_id',
    ) }}
)

select
    {{ snapshot_date() }} as snapshot_date,
    scope,
    {{ print_order(ratio('types_sealed', 'types_responsible') ~ ' asc') }} as print_order,
    unit_code,
    unit_name,
    is_total,
    types_responsible,
    types_sealed,
    {{ ratio_columns('type_completion', 'types_sealed', 'types_responsible') }},
    cast(sealed_licenses as bigint) as sealed_licenses
from by_unit

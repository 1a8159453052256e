-- Table 5 (国家电子证照工程标准省级落实情况) for the snapshot: every province-level licence type
-- under the national engineering standard and its status. One row per (scope license_type,
-- unit_code = type_code); no 合计. Print order: the responsibility list's order.
select
    {{ snapshot_date() }} as snapshot_date,
    'license_type' as scope,
    cast(row_number() over (order by type_order) as integer) as print_order,
    type_code as unit_code,
    type_name as unit_name,
    false as is_total,
    issuer_dept_id,
    issuer_dept_name,
    sealed_count,
    conformant_count,
    case
        when sealed_count = 0 then '未制成'
        when conformant_count = 0 then '已制作,但不符合国家工程标准'
        else '已制出部分证照'
    end as status
from {{ ref('int_province_license_types') }}
where national_standard

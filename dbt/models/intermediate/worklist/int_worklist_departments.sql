-- The departments and licence types that keep a unit short of a department metric, with the
-- reason in Chinese (查漏补缺). One row per (concept, record_id): seal_coverage and
-- dept_coverage list departments (dept_id), type_completion lists province-level licence types
-- (type_code, the department to act being its issuer). Each branch is the complement of its
-- metric's numerator within its denominator (data test worklist_size_rule).
with departments as (
    select
        dept_id,
        dept_name
    from {{ ref('stg_departments') }}
),

shortfalls as (
    -- 表7 电子印章部门覆盖率 (tax departments are not counted): the first stage a seal fails
    select
        'seal_coverage' as concept,
        'department' as record_kind,
        seals.dept_id as record_id,
        departments.dept_name as record_name,
        seals.dept_id,
        case
            when seals.seals = 0 then '无电子印章'
            when seals.active_seals = 0 then '印章已注销'
            when seals.valid_active_seals = 0 then '印章统一社会信用代码校验不通过'
            when seals.lacks_uscc then '部门未登记统一社会信用代码'
            else '统一社会信用代码与部门不符'
        end as reason
    from {{ ref('int_department_seals') }} as seals
    inner join departments on seals.dept_id = departments.dept_id
    where not seals.is_tax and not seals.has_seal

    union all
    -- 表15 主动评价覆盖部门率: departments with published items and no active evaluation
    select
        'dept_coverage' as concept,
        'department' as record_kind,
        evaluations.dept_id as record_id,
        departments.dept_name as record_name,
        evaluations.dept_id,
        '部门有事项但本年度无主动评价' as reason
    from {{ ref('int_evaluations_by_dept') }} as evaluations
    inner join departments on evaluations.dept_id = departments.dept_id
    where evaluations.has_items and not evaluations.is_evaluated_dept

    union all
    -- 表4 证照类型制作完成率: province-level types without a sealed licence
    select
        'type_completion' as concept,
        'license_type' as record_kind,
        license_types.type_code as record_id,
        license_types.type_name as record_name,
        license_types.issuer_dept_id as dept_id,
        case
            when license_types.issued_count = 0 then '未制作电子证照'
            else '已制作' || cast(license_types.issued_count as {{ dbt.type_string() }}) || '张电子证照，均未加盖电子印章'
        end as reason
    from {{ ref('int_province_license_types') }} as license_types
    where license_types.sealed_count = 0
)

select
    concept,
    record_kind,
    record_id,
    record_name,
    dept_id,
    reason
from shortfalls

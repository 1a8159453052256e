-- The published items that keep a unit short of an item metric, with the reason in Chinese
-- (查漏补缺). One row per (concept, item_code); concept is the metric code without its tNN_
-- prefix. Each branch is the complement of its metric's numerator within its denominator, read
-- from the same columns the metric counts, so fct_worklist holds exactly denominator − numerator
-- items per unit (data test worklist_size_rule).
with items as (
    select
        item_code,
        item_name,
        dept_id,
        is_license,
        handling_type,
        zero_visit,
        unified_acceptance
    from {{ ref('int_published_items') }}
),

incomplete_processes as (
    select *
    from {{ ref('int_item_process_completeness') }}
    where not is_process_complete
),

items_without_cases as (
    select item_code
    from {{ ref('int_item_case_incidence') }}
    where not has_ytd_case
),

evaluated_items as (
    select distinct item_code
    from {{ ref('int_evaluations_ytd') }}
    where is_active and item_code is not null
),

shortfalls as (
    -- 表1 不见面审批事项占比
    select
        'zero_visit_share' as concept,
        item_code,
        '非不见面审批事项' as reason
    from items
    where not coalesce(zero_visit, false)

    union all
    -- 表1 即办件占比（行政许可）
    select
        'instant_share_license' as concept,
        item_code,
        '行政许可事项非即办件（' || coalesce(handling_type, '办理类型未填写') || '）' as reason
    from items
    where is_license and handling_type is distinct from '即办件'

    union all
    -- 表2、表3 流程内容详实率: every gap of the item, in the order a clerk fixes them
    select
        'process_complete' as concept,
        item_code,
        concat_ws(
            '；',
            case when step_count = 0 then '无办理流程' end,
            case when blank_name_steps > 0 then cast(blank_name_steps as {{ dbt.type_string() }}) || '个环节名称为空' end,
            case
                when blank_handler_steps > 0 then cast(blank_handler_steps as {{ dbt.type_string() }}) || '个环节办理人员为空'
            end,
            case
                when blank_criteria_steps > 0 then cast(blank_criteria_steps as {{ dbt.type_string() }}) || '个环节审查标准为空'
            end,
            case when bad_limit_steps > 0 then cast(bad_limit_steps as {{ dbt.type_string() }}) || '个环节办理时限为空或为负' end,
            case
                when exceeds_promised_limit
                    then
                        '环节时限合计' || cast(step_limit_days as {{ dbt.type_string() }}) || '天超过承诺时限'
                        || cast(promised_limit_days as {{ dbt.type_string() }}) || '天'
            end,
            case when blank_result_spec then '办理结果样本为空' end
        ) as reason
    from incomplete_processes

    union all
    -- 表8、表9 统一受理事项覆盖度
    select
        'ua_coverage' as concept,
        item_code,
        '未接入统一受理' as reason
    from items
    where not coalesce(unified_acceptance, false)

    union all
    -- 表10 无办件事项数, 表11 事项办件发生率: the same items, counted or as a share
    select
        concepts.concept,
        items.item_code,
        '本年度无办件' as reason
    from items
    inner join items_without_cases on items.item_code = items_without_cases.item_code
    cross join (values ('items_without_cases'), ('item_incidence')) as concepts (concept)

    union all
    select
        concepts.concept,
        items.item_code,
        '行政许可事项本年度无办件' as reason
    from items
    inner join items_without_cases on items.item_code = items_without_cases.item_code
    cross join (values ('license_items_without_cases'), ('license_item_incidence')) as concepts (concept)
    where items.is_license

    union all
    -- 表14、表15 主动评价覆盖事项率
    select
        'item_coverage' as concept,
        items.item_code,
        '本年度无主动评价' as reason
    from items
    left join evaluated_items on items.item_code = evaluated_items.item_code
    where evaluated_items.item_code is null
)

select
    shortfalls.concept,
    'item' as record_kind,
    shortfalls.item_code as record_id,
    items.item_name as record_name,
    items.dept_id,
    shortfalls.reason
from shortfalls
inner join items on shortfalls.item_code = items.item_code

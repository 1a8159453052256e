-- Which departments have an electronic seal (CONTRACT §3, e_seals): at least one active seal
-- whose uscc passes the GB 32100-2015 check (macro uscc_is_valid) and equals the department's
-- own uscc. The seals are also counted stage by stage (any, active, active with a valid uscc),
-- so that a worklist can say where a department falls short.
-- One row per department (dept_id), tax departments included (flag is_tax).
with departments as (
    select
        dept_id,
        uscc,
        is_tax
    from {{ ref('stg_departments') }}
),

seals as (
    select
        dept_id,
        uscc,
        status = 'active' as is_active,
        status = 'active' and {{ uscc_is_valid('uscc') }} as is_valid_active
    from {{ ref('stg_e_seals') }}
),

seals_by_dept as (
    select
        seals.dept_id,
        count(*) as seals,
        count(*) filter (where seals.is_active) as active_seals,
        count(*) filter (where seals.is_valid_active) as valid_active_seals,
        count(*) filter (where seals.is_valid_active and seals.uscc = departments.uscc) as matching_seals
    from seals
    inner join departments on seals.dept_id = departments.dept_id
    group by seals.dept_id
)

select
    departments.dept_id,
    departments.is_tax,
    departments.uscc is null as lacks_uscc,
    coalesce(seals_by_dept.seals, 0) as seals,
    coalesce(seals_by_dept.active_seals, 0) as active_seals,
    coalesce(seals_by_dept.valid_active_seals, 0) as valid_active_seals,
    coalesce(seals_by_dept.matching_seals, 0) > 0 as has_seal
from departments
left join seals_by_dept on departments.dept_id = seals_by_dept.dept_id

-- Which departments have an electronic seal (CONTRACT §3, e_seals): at least one active seal
-- whose uscc passes the GB 32100-2015 check (macro uscc_is_valid) and equals the department's
-- own uscc. One row per department (dept_id), tax departments included (flag is_tax).
with departments as (
    select dept_id, uscc, is_tax
    from {{ ref('stg_departments') }}
),

valid_active_seals as (
    select dept_id, uscc
    from {{ ref('stg_e_seals') }}
    where status = 'active'
      and {{ uscc_is_valid('uscc') }}
)

select
    departments.dept_id,
    departments.is_tax,
    exists (
        select 1
        from valid_active_seals as seals
        where seals.dept_id = departments.dept_id
          and seals.uscc = departments.uscc
    ) as has_seal
from departments

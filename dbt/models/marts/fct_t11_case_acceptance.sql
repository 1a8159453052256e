select * from {{ ref('int_t11_case_acceptance') }}

select * from {{ ref('int_t10_case_acceptance') }}

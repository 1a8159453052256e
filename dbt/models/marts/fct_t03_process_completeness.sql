select * from {{ ref('int_t03_process_completeness') }}

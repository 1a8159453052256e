select * from {{ ref('int_t02_process_completeness') }}

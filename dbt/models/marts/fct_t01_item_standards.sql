select * from {{ ref('int_t01_item_standards') }}

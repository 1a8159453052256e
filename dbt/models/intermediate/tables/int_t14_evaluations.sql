-- Table 14 (省直部门好差评情况统计表) for the snapshot: the province_dept rows of
-- int_evaluations_by_unit, where they are computed, with every column but 主动评价覆盖部门率
-- (dept_coverage, table 15 only): every provincial department with published items.
-- One row per provincial department (unit_code = dept_id), plus the 合计 row (unit_code 'TOTAL').
select {{ columns_of(ref('int_evaluations_by_unit'), except=ratio_column_names('dept_coverage')) }}
from {{ ref('int_evaluations_by_unit') }}
where scope = 'province_dept'

"""The printed bulletin's layout: headings, parts, targets, charts (titles and notes: the glossary).

Written down once from the 2020-12-25 bulletin (tests/fixtures/bulletin-2020-12-25.txt) so the
HTML page and the XLSX workbook print the same thing. Figures come from the marts; nothing here
computes one. Notes whose wording names the year take `{year}` (the snapshot's year).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from dagster_project import glossary

SERIES = "河南大数据工作简报"
TITLE = "一体化政务服务能力提升工作专刊"
ISSUER = "河南省大数据管理局"
ISSUER_OFFICE = "河南省大数据管理局办公室"
REPORT_HEADING = "一体化政务服务能力提升工作情况"
SEND_TO = "省直各相关单位"
DISTRIBUTE_TO = "各省辖市、济源示范区、省直管县（市）政府办公室及政务服务和大数据管理局，省大数据管理局各处（中心）。"

# How a column prints. Ratios have `<field>_text` (as printed), `<field>_numerator`,
# `<field>_denominator` and the unrounded `<field>` in the mart.
TEXT, COUNT, PERCENT, PERCENT_FLOOR, PER_HEAD = "text", "count", "percent", "percent_floor", "per_head"
RATIO_KINDS = (PERCENT, PERCENT_FLOOR, PER_HEAD)


@dataclass(frozen=True)
class Target:
    """A level the bulletin asks units to reach; a unit strictly below it is highlighted."""

    at_least: Fraction
    label: str  # what a reader is told, e.g. 主动评价覆盖事项率低于20%


@dataclass(frozen=True)
class Column:
    heading: str
    field: str
    kind: str
    group: str | None = None  # upper heading of a two-row header (tables 16, 17)
    target: Target | None = None


@dataclass(frozen=True)
class Part:
    """One block of rows: a scope of the mart, printed under its own first-column heading."""

    scope: str
    unit_heading: str
    label: str = ""  # names the block in charts and work points when a table has two


@dataclass(frozen=True)
class Chart:
    field: str
    title: str


@dataclass(frozen=True)
class TableSpec:
    no: int
    mart: str
    parts: tuple[Part, ...]
    columns: tuple[Column, ...]
    # The notes printed under it (注：…): the glossary's (bulletin_tables.csv) for tables 1–18;
    # given only for a table the glossary does not hold (the appendix).
    notes: tuple[str, ...] = ()
    charts: tuple[Chart, ...] = ()
    has_total: bool = True
    unit_column: str = "unit_name"
    caption: str | None = None  # printed instead of 表N.<title> (the appendix)
    # The printed title: the glossary's (dbt/seeds/bulletin_tables.csv) for tables 1–18; given
    # only for a table the glossary does not hold (the appendix).
    title: str = ""

    def __post_init__(self) -> None:
        if not self.title:
            object.__setattr__(self, "title", glossary.table_titles()[self.no])
        if not self.notes and self.no in glossary.table_notes():
            object.__setattr__(self, "notes", glossary.table_notes()[self.no])

    @property
    def key(self) -> str:
        return f"t{self.no:02d}"

    @property
    def ratio_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.kind in RATIO_KINDS)


def _below(percent: int, label: str) -> Target:
    return Target(Fraction(percent, 100), label)


FULL = 100
PROVINCE_DEPT = (Part("province_dept", "省直部门"),)


def city_and_county(city_heading: str = "省辖市") -> tuple[Part, Part]:
    """Tables 11, 15, 17: cities (with their counties) first, then the direct-admin counties."""
    return (Part("city_total", city_heading, "省辖市"), Part("direct_county", "省直管县（市）", "省直管县（市）"))


EVAL_COLUMNS_HEAD = (
    Column("主动评价总数", "active_evals", COUNT),
    Column("主动评价率", "active_eval_rate", PERCENT),
    Column("主动评价数据完整性", "eval_completeness", PERCENT),
    Column("主动评价覆盖事项率", "item_coverage", PERCENT, target=_below(20, "主动评价覆盖事项率低于20%")),
)
RECTIFY = Column("差评按期整改率", "rectify_on_time", PERCENT, target=_below(FULL, "差评按期整改率未达到100%"))
TICKET_COLUMNS = (
    Column("总计收到", "consult_received", COUNT, group="咨询"),
    Column("按期办结率", "consult_on_time", PERCENT, group="咨询", target=_below(FULL, "咨询按期办结率未达到100%")),
    Column("总计收到", "complaint_received", COUNT, group="投诉"),
    Column("按期办结率", "complaint_on_time", PERCENT, group="投诉", target=_below(FULL, "投诉按期办结率未达到100%")),
)
UA_COLUMNS = (
    Column("政务服务事项总数", "items", COUNT),
    Column("接入统一受理事项总数", "ua_items", COUNT),
    Column("统一受理事项覆盖度", "ua_coverage", PERCENT),
)
AUTH_COLUMNS = (
    Column("系统名称", "system_name", TEXT),
    Column("是否开展对接", "integration_started_text", TEXT),
    Column("备注", "url", TEXT),
)

TABLES: tuple[TableSpec, ...] = (
    TableSpec(
        1,
        "fct_t01_item_standards",
        PROVINCE_DEPT,
        (
            Column("不见面审批事项占比", "zero_visit_share", PERCENT),
            Column("行政许可类即办件占比", "instant_share_license", PERCENT),
            Column("行政许可类时限压缩比例", "time_compression_license", PERCENT),
        ),
        charts=(Chart("zero_visit_share", "不见面审批事项占比"),),
    ),
    TableSpec(
        2,
        "fct_t02_process_completeness",
        (Part("city_level", "省辖市"),),
        (
            Column("市本级流程内容详实率", "level_process_complete", PERCENT),
            Column("所辖县（市、区）流程内容详实率", "counties_process_complete", PERCENT),
        ),
        charts=(
            Chart("level_process_complete", "市本级流程内容详实率"),
            Chart("counties_process_complete", "所辖县（市、区）流程内容详实率"),
        ),
    ),
    TableSpec(
        3,
        "fct_t03_process_completeness",
        (Part("direct_county", "省直管县（市）"),),
        (Column("流程内容详实率", "process_complete", PERCENT),),
        charts=(Chart("process_complete", "流程内容详实率"),),
    ),
    TableSpec(
        4,
        "fct_t04_license_completion",
        (Part("province_dept", "颁证单位"),),
        (
            Column("责任证照种类(种)", "types_responsible", COUNT),
            Column("加盖电子印章的证照类型数量(种)", "types_sealed", COUNT),
            Column("依类型完成率", "type_completion", PERCENT, target=_below(FULL, "依类型完成率不足100%")),
            Column(
                "加盖电子印章的证照数量(个)",
                "sealed_licenses",
                COUNT,
                target=Target(Fraction(5), "加盖电子印章的证照数量不足5条"),
            ),
        ),
        charts=(Chart("type_completion", "依类型完成率"),),
    ),
    TableSpec(
        5,
        "fct_t05_province_license_standard",
        (Part("license_type", "工程标准名称"),),
        (Column("责任部门", "issuer_dept_name", TEXT), Column("标准化制作进展情况", "status", TEXT)),
        has_total=False,
    ),
    TableSpec(
        6,
        "fct_t06_city_license_standard",
        (Part("license_type", "工程标准名称"),),
        (Column("责任部门", "issuer_category", TEXT), Column("标准化制作进展情况", "status", TEXT)),
        has_total=False,
    ),
    TableSpec(
        7,
        "fct_t07_seal_coverage",
        (Part("city_area", "省辖市"),),
        (
            Column("部门数量", "departments", COUNT),
            Column("已制章部门数量", "sealed_departments", COUNT),
            Column(
                "已制电子印章部门覆盖度", "seal_coverage", PERCENT, target=_below(FULL, "电子印章部门覆盖度未达到100%")
            ),
        ),
        charts=(Chart("seal_coverage", "已制电子印章部门覆盖度"),),
    ),
    TableSpec(
        8,
        "fct_t08_unified_acceptance",
        (Part("city_level", "省辖市", "省辖市"), Part("direct_county", "省直管县（市）", "省直管县（市）")),
        UA_COLUMNS,
        charts=(Chart("ua_coverage", "统一受理事项覆盖度"),),
    ),
    TableSpec(
        9,
        "fct_t09_unified_acceptance",
        (Part("city_counties", "省辖市"),),
        UA_COLUMNS,
        charts=(Chart("ua_coverage", "统一受理事项覆盖度"),),
    ),
    TableSpec(
        10,
        "fct_t10_case_acceptance",
        PROVINCE_DEPT,
        (
            Column("办件网上受理率", "online_acceptance", PERCENT),
            Column("政务服务事项总数", "items", COUNT),
            Column("未产生办件的事项数", "items_without_cases", COUNT),
            Column("未产生办件的行政许可类事项数", "license_items_without_cases", COUNT),
        ),
        charts=(Chart("online_acceptance", "办件网上受理率"),),
    ),
    TableSpec(
        11,
        "fct_t11_case_acceptance",
        city_and_county(),
        (
            Column("办件网上受理率", "online_acceptance", PERCENT),
            Column("办件涉及事项发生率", "item_incidence", PERCENT),
            Column("行政许可类办件涉及事项发生率", "license_item_incidence", PERCENT),
            Column("人均办件量（件）", "cases_per_capita", PER_HEAD),
        ),
        charts=(Chart("online_acceptance", "办件网上受理率"),),
    ),
    TableSpec(
        12,
        "fct_t12_open_auth_systems",
        (Part("auth_system", "省直部门"),),
        AUTH_COLUMNS,
        has_total=False,
    ),
    TableSpec(
        13,
        "fct_t13_open_auth_systems",
        (Part("auth_system", "所属地区"),),
        AUTH_COLUMNS,
        has_total=False,
    ),
    TableSpec(
        14,
        "fct_t14_evaluations",
        PROVINCE_DEPT,
        (*EVAL_COLUMNS_HEAD, RECTIFY),
        charts=(Chart("item_coverage", "主动评价覆盖事项率"),),
    ),
    TableSpec(
        15,
        "fct_t15_evaluations",
        city_and_county("省辖市（含县区）"),
        (*EVAL_COLUMNS_HEAD, Column("主动评价覆盖部门率", "dept_coverage", PERCENT), RECTIFY),
        charts=(Chart("item_coverage", "主动评价覆盖事项率"),),
    ),
    TableSpec(
        16,
        "fct_t16_tickets",
        PROVINCE_DEPT,
        TICKET_COLUMNS,
        charts=(Chart("complaint_on_time", "投诉按期办结率"),),
    ),
    TableSpec(
        17,
        "fct_t17_tickets",
        city_and_county(),
        TICKET_COLUMNS,
        charts=(Chart("complaint_on_time", "投诉按期办结率"),),
    ),
    TableSpec(
        18,
        "fct_t18_branch_halls",
        (Part("city", "省辖市"),),
        (
            Column("分厅事项接入数量(项)", "items", COUNT),
            Column(
                "目标完成情况", "target_completion", PERCENT_FLOOR, target=_below(FULL, "分厅事项接入数量未达到目标")
            ),
            Column("非查询类事项上线数量(项)", "non_query_items", COUNT),
            Column("非查询类事项占比", "non_query_share", PERCENT_FLOOR),
        ),
        charts=(Chart("target_completion", "目标完成情况"),),
    ),
)

TABLES_BY_NO = {t.no: t for t in TABLES}

# After the 18 tables: the week's data quality by submitting unit (marts.fct_data_quality_by_unit),
# so each unit sees what of its own delivery was rejected, late, dangling or missing.
QUALITY_TABLE = TableSpec(
    19,
    "fct_data_quality_by_unit",
    (
        Part("province_dept", "省直部门", "省直部门"),
        Part("city_total", "省辖市（含县区）", "省辖市"),
        Part("direct_county", "省直管县（市）", "省直管县（市）"),
        Part("unattributed", "无法归属", "无法归属"),
    ),
    (
        Column("本周被拒绝行数", "rejected_rows", COUNT),
        Column("引用未知事项", "unknown_item_rows", COUNT),
        Column("引用未知办件", "unknown_case_rows", COUNT),
        Column("迟报记录数", "late_rows", COUNT),
        Column("本周未报送", "not_delivered_text", TEXT),
        Column("主要拒绝原因（行数）", "top_reasons", TEXT),
    ),
    notes=(
        "按报送行本身的部门（证照为发证部门）归属单位，无法识别部门时按行政区划归属，仍无法识别的列为“无法归属”；",
        "被拒绝行数为本周报送中未通过校验的行（原因见 raw.rejects），未丢弃任何一行；",
        "引用未知事项、未知办件：本周报送的办件、评价引用了事项库中没有的事项编码或不存在的办件编号；",
        "迟报记录数：本周才报送、但更新时间早于上次报送截止时间的办件、评价、咨询投诉记录；",
        "本周未报送：本周没有报送任何记录的事件数据（办件、评价、咨询投诉）。",
    ),
    caption="附表　各地各部门数据报送质量情况统计表",
    title="各地各部门数据报送质量情况统计表",
)
APPENDIX_TABLES: tuple[TableSpec, ...] = (QUALITY_TABLE,)
APPENDIX_MARTS = tuple(t.mart for t in APPENDIX_TABLES)


@dataclass(frozen=True)
class HeaderCell:
    text: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1


def header_cells(unit_heading: str, columns: list[tuple[str, str | None]]) -> list[HeaderCell]:
    """序号, the unit heading, then (heading, group) columns; a group spans its columns above them
    (two header rows, as tables 16 and 17 print), other headings span both rows."""
    rows = 2 if any(group for _, group in columns) else 1
    cells = [HeaderCell("序号", 0, 0, rowspan=rows), HeaderCell(unit_heading, 0, 1, rowspan=rows)]
    col = 2
    i = 0
    while i < len(columns):
        heading, group = columns[i]
        if group is None:
            cells.append(HeaderCell(heading, 0, col, rowspan=rows))
            i, col = i + 1, col + 1
            continue
        span = 1
        while i + span < len(columns) and columns[i + span][1] == group:
            span += 1
        cells.append(HeaderCell(group, 0, col, colspan=span))
        cells.extend(HeaderCell(columns[i + k][0], 1, col + k) for k in range(span))
        i, col = i + span, col + span
    return cells


MARTS = tuple(t.mart for t in TABLES)
assert [t.no for t in TABLES] == list(range(1, 19))


@dataclass(frozen=True)
class Delta:
    """How a change against the previous snapshot prints: points for percentages, 件 per head."""

    scale: float
    decimals: int
    unit: str  # in a sentence: 较上期提高0.35个百分点
    column_unit: str  # in a column heading: 按期办结率（百分点）

    def points(self, change: float) -> float:
        return change * self.scale


DELTA_UNITS = {
    PERCENT: Delta(100, 2, "个百分点", "百分点"),
    PERCENT_FLOOR: Delta(100, 2, "个百分点", "百分点"),
    PER_HEAD: Delta(1, 3, "件", "件"),
}


# The ratios the work points name (workpoints.py), each with a sparkline of its last snapshots
# under every unit's figure: (table, column field) → (metric code in fct_metric_history, scope;
# None = the block's own scope).
TREND_SNAPSHOTS = 8
TRENDS: dict[tuple[int, str], tuple[str, str | None]] = {
    (1, "zero_visit_share"): ("t01_zero_visit_share", None),
    (1, "instant_share_license"): ("t01_instant_share_license", None),
    (1, "time_compression_license"): ("t01_time_compression_license", None),
    (2, "level_process_complete"): ("t02_process_complete", "city_level"),
    (2, "counties_process_complete"): ("t02_process_complete", "city_counties"),
    (3, "process_complete"): ("t03_process_complete", None),
    (4, "type_completion"): ("t04_type_completion", None),
    (7, "seal_coverage"): ("t07_seal_coverage", None),
    (8, "ua_coverage"): ("t08_ua_coverage", None),
    (9, "ua_coverage"): ("t09_ua_coverage", None),
    (14, "item_coverage"): ("t14_item_coverage", None),
    (14, "rectify_on_time"): ("t14_rectify_on_time", None),
    (15, "item_coverage"): ("t15_item_coverage", None),
    (15, "rectify_on_time"): ("t15_rectify_on_time", None),
    (16, "consult_on_time"): ("t16_consult_on_time", None),
    (16, "complaint_on_time"): ("t16_complaint_on_time", None),
    (17, "consult_on_time"): ("t17_consult_on_time", None),
    (17, "complaint_on_time"): ("t17_complaint_on_time", None),
}
HISTORY_MART = "fct_metric_history"

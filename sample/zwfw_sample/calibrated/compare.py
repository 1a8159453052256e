"""Compare a warehouse with the printed bulletin, cell by cell.

Every printed cell of every `tNN.csv` (unit by its printed name, column by its printed heading)
maps to one published figure: a row of `marts.fct_metrics` (its `value_text`), or for the
responsible departments of tables 5/6 a column of their table mart. Each cell comes out as
`reproduced`, `mismatch`, `excepted` (on the exception list, `exceptions.py`) or `scaled` (a count
of events, compared only at scale 1). Print order is compared per table part too.

Pure functions over plain rows (dicts), so that they are tested on small in-memory frames;
`load_warehouse` is the only function that touches DuckDB.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from .exceptions import ORDER, Excepted
from .printed import STEMS, TOTAL_NAMES, printed_table
from .roster import ALIASES

REPRODUCED, MISMATCH, EXCEPTED, SCALED = "reproduced", "mismatch", "excepted", "scaled"


@dataclass(frozen=True)
class Col:
    metric_code: str
    kind: str  # count | pct | floor | dec3 | text | scaled
    scope: str | None = None  # when not the part's scope (table 2)


@dataclass(frozen=True)
class Part:
    table_no: int
    scope: str
    columns: dict[str, Col]


def _cols(prefix: str, spec: str) -> dict[str, Col]:
    """'heading:name:kind …' → columns (compact so that the mapping reads as one table)."""
    out = {}
    for item in spec.split():
        heading, name, kind = item.split(":")
        out[heading] = Col(f"{prefix}_{name}", kind)
    return out


_T08 = "政务服务事项总数:items:count 接入统一受理事项总数:ua_items:count 统一受理事项覆盖度:ua_coverage:pct"
_T11 = (
    "办件网上受理率:online_acceptance:pct 办件涉及事项发生率:item_incidence:pct "
    "行政许可类办件涉及事项发生率:license_item_incidence:pct 人均办件量（件）:cases_per_capita:dec3"
)
_T15 = (
    "主动评价总数:active_evals:scaled 主动评价率:active_eval_rate:pct 主动评价数据完整性:eval_completeness:pct "
    "主动评价覆盖事项率:item_coverage:pct 主动评价覆盖部门率:dept_coverage:pct 差评按期整改率:rectify_on_time:pct"
)
_T17 = (
    "咨询总计收到:consult_received:count 咨询按期办结率:consult_on_time:pct "
    "投诉总计收到:complaint_received:count 投诉按期办结率:complaint_on_time:pct"
)

PARTS: dict[str, Part] = {
    "t01": Part(
        1,
        "province_dept",
        _cols(
            "t01",
            "不见面审批事项占比:zero_visit_share:pct "
            "行政许可类即办件占比:instant_share_license:pct "
            "行政许可类时限压缩比例:time_compression_license:pct",
        ),
    ),
    "t02": Part(
        2,
        "city_level",
        {
            "市本级流程内容详实率": Col("t02_process_complete", "pct", "city_level"),
            "所辖县（市、区）流程内容详实率": Col("t02_process_complete", "pct", "city_counties"),
        },
    ),
    "t03": Part(3, "direct_county", _cols("t03", "流程内容详实率:process_complete:pct")),
    "t04": Part(
        4,
        "province_dept",
        _cols(
            "t04",
            "责任证照种类(种):types_responsible:count "
            "加盖电子印章的证照类型数量(种):types_sealed:count "
            "依类型完成率:type_completion:pct "
            "加盖电子印章的证照数量(个):sealed_licenses:count",
        ),
    ),
    "t05": Part(
        5, "license_type", {"标准化制作进展情况": Col("t05_status", "text"), "责任部门": Col("t05_issuer", "issuer")}
    ),
    "t06": Part(
        6, "license_type", {"标准化制作进展情况": Col("t06_status", "text"), "责任部门": Col("t06_issuer", "issuer")}
    ),
    "t07": Part(
        7,
        "city_area",
        _cols(
            "t07",
            "部门数量:departments:count 已制章部门数量:sealed_departments:count "
            "已制电子印章部门覆盖度:seal_coverage:pct",
        ),
    ),
    "t08a": Part(8, "city_level", _cols("t08", _T08)),
    "t08b": Part(8, "direct_county", _cols("t08", _T08)),
    "t09": Part(9, "city_counties", _cols("t09", _T08)),
    "t10": Part(
        10,
        "province_dept",
        _cols(
            "t10",
            "办件网上受理率:online_acceptance:pct 政务服务事项总数:items:count "
            "未产生办件的事项数:items_without_cases:count "
            "未产生办件的行政许可类事项数:license_items_without_cases:count",
        ),
    ),
    "t11a": Part(11, "city_total", _cols("t11", _T11)),
    "t11b": Part(11, "direct_county", _cols("t11", _T11)),
    "t12": Part(12, "auth_system", {}),
    "t13": Part(13, "auth_system", {}),
    "t14": Part(
        14,
        "province_dept",
        {
            h: Col(c.metric_code.replace("t15_", "t14_"), c.kind)
            for h, c in _cols("t15", _T15).items()
            if h != "主动评价覆盖部门率"
        },
    ),
    "t15a": Part(15, "city_total", _cols("t15", _T15)),
    "t15b": Part(15, "direct_county", _cols("t15", _T15)),
    "t16": Part(16, "province_dept", _cols("t16", _T17)),
    "t17a": Part(17, "city_total", _cols("t17", _T17)),
    "t17b": Part(17, "direct_county", _cols("t17", _T17)),
    "t18": Part(
        18,
        "city",
        _cols(
            "t18",
            "分厅事项接入数量(项):items:count 目标完成情况:target_completion:floor "
            "非查询类事项上线数量(项):non_query_items:count 非查询类事项占比:non_query_share:floor",
        ),
    ),
}
SYSTEM_TABLES = {"t12": "t12_open_systems", "t13": "t13_open_systems"}


@dataclass(frozen=True)
class Cell:
    table: str  # printed part, e.g. t15b
    unit: str  # printed unit name (合计 for the total row, '' for a table's order)
    column: str  # printed heading, or exceptions.ORDER
    printed: str
    got: str | None  # what the warehouse prints (None: no such figure)
    status: str
    note: str = ""


def normalise(text: str | None, kind: str) -> str | None:
    """A printed text in one spelling: `100%` → `100.00%` (pct), `--` → `-`, numbers as numbers."""
    if text is None:
        return None
    t = text.strip()
    if t in ("-", "--", ""):
        return "-"
    if kind == "pct" and t.endswith("%"):
        try:
            return f"{Decimal(t[:-1]):.2f}%"
        except InvalidOperation:
            return t
    if kind in ("dec3", "count", "scaled"):
        try:
            return str(Decimal(t).normalize()) if kind == "dec3" else str(int(Decimal(t)))
        except InvalidOperation:
            return t
    return t


def same_issuer(printed: str, got: str | None) -> bool:
    """Table 5 prints short names (省住建厅) for the issuing department's full name."""
    if got is None:
        return False
    return printed in (got, got.removeprefix("河南")) or ALIASES.get(printed) == got


def _index(metrics: list[dict]) -> dict[tuple, str | None]:
    """(table_no, metric_code, scope, unit_name or 合计) → value_text."""
    out = {}
    for m in metrics:
        name = "合计" if m["unit_code"] == "TOTAL" else m["unit_name"]
        out[(int(m["table_no"]), m["metric_code"], m["scope"], name)] = m["value_text"]
    return out


def _excepted(exc: dict[tuple[str, str, str], Excepted], stem: str, unit: str, column: str) -> Excepted | None:
    return exc.get((stem, unit, column))


def compare_part(
    stem: str,
    rows: list[dict[str, str]],
    metrics_index: dict[tuple, str | None],
    exc: dict[tuple[str, str, str], Excepted],
    scale: float,
    issuers: dict[tuple[int, str], str] | None = None,
) -> list[Cell]:
    """Every printed cell of one table part (rows as printed, 合计 included)."""
    part = PARTS[stem]
    out = []
    for row in rows:
        unit = list(row.values())[1]
        key_unit = "合计" if unit in TOTAL_NAMES else unit
        for heading, col in part.columns.items():
            printed = row[heading]
            scope = col.scope or part.scope
            if col.kind == "issuer":
                got = (issuers or {}).get((part.table_no, unit))
                ok = same_issuer(printed, got) if part.table_no == 5 else printed == got
            else:
                got = metrics_index.get((part.table_no, col.metric_code, scope, key_unit))
                if (
                    got is None
                    and normalise(printed, col.kind) == "-"
                    and (part.table_no, col.metric_code, scope, key_unit) not in metrics_index
                ):
                    got = "-"  # a unit with no row in that scope (济源示范区 has no counties): printed -
                ok = normalise(printed, col.kind) == normalise(got, col.kind)
            e = _excepted(exc, stem, key_unit, heading) or (
                _excepted(exc, stem, unit, heading) if key_unit != unit else None
            )
            if col.kind == "scaled" and scale != 1:
                status = REPRODUCED if ok else SCALED
            elif ok:
                status = REPRODUCED
            elif e is not None:
                status = EXCEPTED
            else:
                status = MISMATCH
            out.append(
                Cell(stem, key_unit, heading, printed, got, status, e.arithmetic if (e is not None and not ok) else "")
            )
    return out


def compare_systems(stem: str, rows: list[dict[str, str]], systems: list[dict]) -> list[Cell]:
    """Tables 12/13: each printed system (name, 是/否, url) must be one open system of that owner,
    and no open system may be left unprinted. Three printed figures per row."""
    have = Counter((s["unit_name"], s["value_text"]) for s in systems)
    out = []
    for row in rows:
        vals = list(row.values())
        owner, name, started, url = vals[1], vals[2], vals[3], vals[4]
        text = f"{name}|{started}|{url}"
        ok = have[(owner, text)] > 0
        if ok:
            have[(owner, text)] -= 1
        for heading, printed in zip(list(row)[2:5], (name, started, url)):
            out.append(Cell(stem, owner, heading, printed, text if ok else None, REPRODUCED if ok else MISMATCH))
    for (owner, text), n in have.items():
        for _ in range(n):
            out.append(Cell(stem, owner, "系统名称", "", text, MISMATCH, "an open system the bulletin does not print"))
    return out


def compare_order(
    stem: str, printed_units: list[str], mart_units: list[str] | None, exc: dict[tuple[str, str, str], Excepted]
) -> Cell:
    """A table part's unit order: printed vs the mart's print_order. An order exception covers a
    difference only when the mart prints exactly the order the exception says the rule gives."""
    printed = " > ".join(printed_units)
    got = None if mart_units is None else " > ".join(mart_units)
    if got == printed:
        return Cell(stem, "", ORDER, printed, got, REPRODUCED)
    e = _excepted(exc, stem, "", ORDER)
    if e is not None and got == e.reproduced:
        return Cell(stem, "", ORDER, printed, got, EXCEPTED, e.arithmetic)
    return Cell(stem, "", ORDER, printed, got, MISMATCH)


def compare_all(
    metrics: list[dict],
    orders: dict[str, list[str]],
    systems: dict[str, list[dict]],
    issuers: dict[tuple[int, str], str],
    excepted: list[Excepted],
    scale: float,
    printed: dict[str, list[dict[str, str]]] | None = None,
) -> list[Cell]:
    """Every printed figure of every table part, then each part's print order."""
    printed = printed or {s: list(printed_table(s)) for s in STEMS}
    exc = {(e.table, e.unit, e.column): e for e in excepted}
    index = _index(metrics)
    out: list[Cell] = []
    for stem, rows in printed.items():
        if stem in SYSTEM_TABLES:
            out += compare_systems(stem, rows, systems.get(stem, []))
        else:
            out += compare_part(stem, rows, index, exc, scale, issuers)
        units = [list(r.values())[1] for r in rows if list(r.values())[1] not in TOTAL_NAMES]
        if stem in SYSTEM_TABLES:
            units = list(dict.fromkeys(units))
        out.append(compare_order(stem, units, orders.get(stem), exc))
    return out


def summary(cells: list[Cell]) -> str:
    figures = [c for c in cells if c.column != ORDER]
    n = Counter(c.status for c in figures)
    orders = [c for c in cells if c.column == ORDER]
    o = Counter(c.status for c in orders)
    return (
        f"reproduced {n[REPRODUCED]} of {len(figures)} printed figures ({n[EXCEPTED]} excepted, "
        f"{n[SCALED]} scaled counts compared only at scale 1, {n[MISMATCH]} mismatches); print order: "
        f"{o[REPRODUCED]} of {len(orders)} table parts as printed, {o[EXCEPTED]} excepted, "
        f"{o[MISMATCH]} mismatches"
    )


def render_mismatches(cells: list[Cell]) -> str:
    return "\n".join(
        f"{c.table} {c.unit or '-'} {c.column}: printed {c.printed!r}, warehouse {c.got!r}"
        + (f" ({c.note})" if c.note else "")
        for c in cells
        if c.status == MISMATCH
    )


# --- the warehouse ---------------------------------------------------------------------------

# Table marts with a print_order (stem → mart, scope filter).
_ORDER_MARTS = {
    "t01": ("fct_t01_item_standards", None),
    "t02": ("fct_t02_process_completeness", "city_level"),
    "t03": ("fct_t03_process_completeness", None),
    "t04": ("fct_t04_license_completion", None),
    "t07": ("fct_t07_seal_coverage", None),
    "t08a": ("fct_t08_unified_acceptance", "city_level"),
    "t08b": ("fct_t08_unified_acceptance", "direct_county"),
    "t09": ("fct_t09_unified_acceptance", None),
    "t10": ("fct_t10_case_acceptance", None),
    "t11a": ("fct_t11_case_acceptance", "city_total"),
    "t11b": ("fct_t11_case_acceptance", "direct_county"),
    "t12": ("fct_t12_open_auth_systems", None),
    "t14": ("fct_t14_evaluations", None),
    "t15a": ("fct_t15_evaluations", "city_total"),
    "t15b": ("fct_t15_evaluations", "direct_county"),
    "t16": ("fct_t16_tickets", None),
    "t17a": ("fct_t17_tickets", "city_total"),
    "t17b": ("fct_t17_tickets", "direct_county"),
    "t18": ("fct_t18_branch_halls", None),
    "t05": ("fct_t05_province_license_standard", None),
    "t06": ("fct_t06_city_license_standard", None),
    "t13": ("fct_t13_open_auth_systems", None),
}


def load_warehouse(
    path: Path, snapshot: str
) -> tuple[list[dict], dict[str, list[str]], dict[str, list[dict]], dict[tuple[int, str], str]]:
    """(fct_metrics rows, print orders per part, open systems of tables 12/13, issuers of tables 5/6)."""
    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    try:

        def rows(sql: str, params=()) -> list[dict]:
            cur = con.execute(sql, list(params))
            names = [d[0] for d in cur.description]
            return [dict(zip(names, r)) for r in cur.fetchall()]

        metrics = rows(
            "select table_no, metric_code, scope, unit_code, unit_name, value_text "
            "from marts.fct_metrics where snapshot_date = ?",
            [snapshot],
        )
        tables = {
            r["table_name"]
            for r in rows("select table_name from information_schema.tables where table_schema = 'marts'")
        }
        orders: dict[str, list[str]] = {}
        for stem, (mart, scope) in _ORDER_MARTS.items():
            if mart not in tables:
                continue
            where = "snapshot_date = ? and not is_total" + (" and scope = ?" if scope else "")
            got = rows(
                f"select unit_name from marts.{mart} where {where} order by print_order",
                [snapshot, scope] if scope else [snapshot],
            )
            units = [r["unit_name"] for r in got]
            orders[stem] = list(dict.fromkeys(units)) if stem in SYSTEM_TABLES else units
        systems = {stem: [r for r in metrics if r["metric_code"] == code] for stem, code in SYSTEM_TABLES.items()}
        issuers: dict[tuple[int, str], str] = {}
        if "fct_t05_province_license_standard" in tables:
            issuers |= {
                (5, r["unit_name"]): r["issuer_dept_name"]
                for r in rows(
                    "select unit_name, issuer_dept_name from marts.fct_t05_province_license_standard "
                    "where snapshot_date = ?",
                    [snapshot],
                )
            }
        if "fct_t06_city_license_standard" in tables:
            issuers |= {
                (6, r["unit_name"]): r["issuer_category"]
                for r in rows(
                    "select unit_name, issuer_category from marts.fct_t06_city_license_standard "
                    "where snapshot_date = ?",
                    [snapshot],
                )
            }
        return metrics, orders, systems, issuers
    finally:
        con.close()

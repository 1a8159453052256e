"""Trace a printed figure to its records: `zwfw explain` reads it, the worklists are written from it.

Everything comes from the published warehouse (fct_metrics, dim_metrics, and fct_worklist, a view
over the lake), opened read-only and closed before anything is printed or written, so tracing
never holds the file a build is about to replace.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from dagster_project import published
from dagster_project.report.marts import ReportError

SCOPE_NAMES = {
    "province_dept": "省直部门",
    "city_level": "市本级",
    "city_counties": "所辖县（市、区）",
    "city_total": "省辖市（含县区）",
    "city_area": "省辖市全域",
    "direct_county": "省直管县（市）",
    "city": "省辖市",
    "license_type": "证照类型",
    "auth_system": "业务系统",
}
RECORD_KINDS = {
    "item": "事项",
    "license_type": "证照类型",
    "department": "部门",
    "evaluation": "评价",
    "ticket": "咨询投诉",
}
SHOWN = 20
WORKLIST_COLUMNS = (
    "table_no",
    "metric_code",
    "scope",
    "unit_code",
    "record_kind",
    "record_id",
    "record_name",
    "dept_id",
    "dept_name",
    "reason",
    "first_seen",
)


@dataclass
class Figure:
    """One published figure of a unit, with its words and the records behind its shortfall."""

    table_no: int
    table_title: str
    metric_code: str
    metric_name: str
    scope: str
    unit_code: str
    unit_name: str
    value_text: str
    numerator: float | None
    denominator: float | None
    value: float | None
    formula: str
    numerator_counts: str | None
    denominator_counts: str | None
    has_worklist: bool
    records: list[dict] = field(default_factory=list)
    record_count: int = 0


def resolve_unit(con: duckdb.DuckDBPyConnection, snapshot: dt.date, table_no: int | None, unit: str) -> tuple[str, str]:
    """(unit_code, unit_name) of a code or an exact name; otherwise an error naming the nearest units."""
    where = "snapshot_date = ? and unit_code <> 'TOTAL'" + (" and table_no = ?" if table_no else "")
    params = [snapshot, table_no] if table_no else [snapshot]
    units = dict(
        con.execute(f"select distinct unit_code, unit_name from marts.fct_metrics where {where}", params).fetchall()
    )
    if unit in units:
        return unit, units[unit]
    by_name = {name: code for code, name in units.items()}
    if unit in by_name:
        return by_name[unit], unit
    labels = {f"{name} ({code})": code for code, name in units.items()}
    near = difflib.get_close_matches(unit, [*units, *by_name], n=5, cutoff=0.3)
    shown = [f"{units[n]} ({n})" if n in units else f"{n} ({by_name[n]})" for n in near]
    if not shown:
        shown = sorted(labels)[:5]
    where_text = f"table {table_no}" if table_no else "any table"
    raise ReportError(
        f"no unit {unit!r} in {where_text} of snapshot {snapshot.isoformat()}; "
        f"nearest: {', '.join(dict.fromkeys(shown))}"
    )


def figures(
    warehouse: Path,
    table_no: int,
    unit: str,
    snapshot: dt.date | None = None,
    metric: str | None = None,
    shown: int = SHOWN,
) -> tuple[dt.date, list[Figure]]:
    """Every figure of `unit`'s row(s) in table `table_no` (or only `metric`), with up to `shown` records."""
    con = published.connect(warehouse)
    try:
        snapshot = published.resolve(published.snapshots(con), warehouse, snapshot)
        tables = [
            r[0]
            for r in con.execute(
                "select distinct table_no from marts.fct_metrics where snapshot_date = ? order by 1", [snapshot]
            ).fetchall()
        ]
        if table_no not in tables:
            raise ReportError(
                f"no table {table_no} in snapshot {snapshot.isoformat()} (tables: {tables[0]}–{tables[-1]})"
            )
        unit_code, _ = resolve_unit(con, snapshot, table_no, unit)
        params: list = [snapshot, table_no, unit_code]
        metric_filter = ""
        if metric:
            codes = [
                r[0]
                for r in con.execute(
                    "select distinct metric_code from marts.fct_metrics "
                    "where snapshot_date = ? and table_no = ? order by 1",
                    [snapshot, table_no],
                ).fetchall()
            ]
            if metric not in codes:
                raise ReportError(f"no metric {metric!r} in table {table_no}; its metrics: {', '.join(codes)}")
            metric_filter, params = " and m.metric_code = ?", [*params, metric]
        rows = published.rows(
            con,
            f"""
            select m.table_no, d.table_title, m.metric_code, d.metric_name, m.scope, m.unit_code, m.unit_name,
                   m.value_text, m.numerator, m.denominator, m.value, d.formula,
                   d.numerator as numerator_counts, d.denominator as denominator_counts,
                   coalesce(d.has_worklist, false) as has_worklist
            from marts.fct_metrics as m
            left join marts.dim_metrics as d
                on d.snapshot_date = m.snapshot_date and d.metric_code = m.metric_code
            where m.snapshot_date = ? and m.table_no = ? and m.unit_code = ?{metric_filter}
            order by m.scope, m.metric_code""",
            params,
        )
        out = [Figure(**row) for row in rows]
        for fig in out:
            if not fig.has_worklist:
                continue
            key = [snapshot, fig.table_no, fig.metric_code, fig.scope, fig.unit_code]
            keyed = "snapshot_date = ? and table_no = ? and metric_code = ? and scope = ? and unit_code = ?"
            fig.record_count = con.execute(f"select count(*) from marts.fct_worklist where {keyed}", key).fetchall()[0][
                0
            ]
            fig.records = published.rows(
                con,
                f"""
                select record_kind, record_id, record_name, dept_id, dept_name, reason, first_seen
                from marts.fct_worklist where {keyed}
                order by first_seen, record_id limit {int(shown)}""",
                key,
            )
    finally:
        con.close()
    return snapshot, out


def weeks_open(snapshot: dt.date, first_seen: dt.date) -> int:
    """How many weekly snapshots the record has been on the list, this one included."""
    return (snapshot - first_seen).days // 7 + 1


def render_explain(snapshot: dt.date, figs: list[Figure]) -> str:
    """The text `zwfw explain` prints: per figure, the formula, its parts, the value, the records."""
    if not figs:
        return "no figure"
    head = figs[0]
    lines = [
        f"表{head.table_no} {head.table_title or ''}",
        f"{head.unit_name} ({head.unit_code}), snapshot {snapshot.isoformat()}",
        "",
    ]
    for fig in figs:
        lines.append(
            f"{fig.metric_name or fig.metric_code}  [{fig.metric_code}, {SCOPE_NAMES.get(fig.scope, fig.scope)}]"
        )
        lines.append(f"  公式    {fig.formula or '(not described)'}")
        if fig.denominator is not None:
            lines.append(f"  分子    {_count(fig.numerator)}  {fig.numerator_counts or ''}".rstrip())
            lines.append(f"  分母    {_count(fig.denominator)}  {fig.denominator_counts or ''}".rstrip())
        lines.append(f"  数值    {fig.value_text}")
        if fig.has_worklist:
            if fig.record_count == 0:
                lines.append("  差额    0 条记录（无需整改）")
            else:
                lines.append(
                    f"  差额    {fig.record_count} 条记录"
                    + (f"，前 {len(fig.records)} 条：" if fig.record_count > len(fig.records) else "：")
                )
                for r in fig.records:
                    lines.append(
                        f"    {RECORD_KINDS.get(r['record_kind'], r['record_kind'])} {r['record_id']}  "
                        f"{r['record_name'] or ''}  | {r['dept_name'] or r['dept_id']} | {r['reason']} | "
                        f"已列 {weeks_open(snapshot, r['first_seen'])} 周"
                    )
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _count(x: float | None) -> str:
    if x is None:
        return "-"
    return str(int(x)) if float(x).is_integer() else f"{x:g}"

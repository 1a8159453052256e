"""查漏补缺: one XLSX per unit with the records behind its shortfall, and an HTML index.

Read from the published warehouse (fct_worklist of the snapshot and of the previous one, read
into memory, connection closed), then written. Each workbook has a summary sheet, one sheet per
table the unit is listed in (the records, the reason, the department to act, the weeks open),
and 已整改: the records that left the list since the previous snapshot. Every cell is typed and
written explicitly (write_string / write_number / write_datetime, strings never turned into
formulas or links), so nothing from the input becomes a formula.
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import html
import os
import pickle
import re
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import xlsxwriter

from dagster_project import published
from dagster_project.report import replace_file
from dagster_project.report.trace import (
    SCOPE_NAMES,
    WORKLIST_COLUMNS,
    resolve_unit,
    weeks_open,
)

INDEX_NAME = "index.html"
RESOLVED_SHEET = "已整改"
SUMMARY_SHEET = "汇总"
FONT = "宋体"
OPEN_HEADINGS = ("指标", "范围", "记录编号", "记录名称", "责任部门", "原因", "首次列入", "已列周数")
RESOLVED_HEADINGS = (
    "表",
    "指标",
    "范围",
    "记录编号",
    "记录名称",
    "责任部门",
    "原因（上期）",
    "首次列入",
    "整改前已列周数",
)
WIDTHS = (26, 16, 22, 40, 30, 44, 12, 10)
RECORDS_PER_WORKER = 20_000  # below about this many open records a second process does not pay


@dataclass
class UnitList:
    unit_code: str
    unit_name: str
    tables: dict[int, list[dict]] = field(default_factory=lambda: defaultdict(list))
    listed_tables: set[int] = field(default_factory=set)
    resolved: list[dict] = field(default_factory=list)

    @property
    def open_count(self) -> int:
        return sum(len(rows) for rows in self.tables.values())


@dataclass
class WorklistFiles:
    snapshot: dt.date
    previous: dt.date | None
    out_dir: Path
    index: Path
    workbooks: list[Path]
    records: int
    resolved: int
    seconds: float
    workers: int = 0  # worker processes that wrote them (0: this process)

    def render(self) -> str:
        against = f", 已整改 against {self.previous.isoformat()}" if self.previous else ""
        return (
            f"worklists {self.snapshot.isoformat()}: {len(self.workbooks)} units, {self.records} open records, "
            f"{self.resolved} resolved{against} in {self.seconds:.1f}s\n  index: {self.index}"
        )


INDEX_INTRO = "每个单位一个工作簿：各表待整改记录、原因、责任部门、已列周数，以及已整改记录。"


def read_worklists(
    warehouse: Path, snapshot: dt.date | None = None, unit: str | None = None, codes: list[str] | None = None
) -> tuple[dt.date, dt.date | None, dict[str, UnitList], dict[str, str], dict[int, str]]:
    """The snapshot, the previous one, each unit's lists (of `unit`, or of the units `codes`, or of
    every unit), metric names and table titles."""
    con = published.connect(warehouse)
    try:
        snapshots = published.snapshots(con)
        snapshot = published.resolve(snapshots, warehouse, snapshot)
        previous = published.previous(snapshots, snapshot)
        if unit:
            codes = [resolve_unit(con, snapshot, None, unit)[0]]
        only = " and list_contains(?, unit_code)" if codes is not None else ""
        extra = [codes] if codes is not None else []
        names = dict(
            con.execute(
                "select metric_code, metric_name from marts.dim_metrics where snapshot_date = ?", [snapshot]
            ).fetchall()
        )
        titles = dict(
            con.execute(
                "select distinct table_no, table_title from marts.dim_metrics where snapshot_date = ?", [snapshot]
            ).fetchall()
        )
        listed = con.execute(
            f"""
            select distinct m.unit_code, m.unit_name, m.table_no
            from marts.fct_metrics as m
            inner join marts.dim_metrics as d on d.snapshot_date = m.snapshot_date and d.metric_code = m.metric_code
            where m.snapshot_date = ? and d.has_worklist and m.unit_code <> 'TOTAL'
                {only.replace("unit_code", "m.unit_code")}
            order by 1, 3""",
            [snapshot, *extra],
        ).fetchall()
        cols = ", ".join(WORKLIST_COLUMNS)
        current = published.rows(
            con,
            f"select {cols} from marts.fct_worklist where snapshot_date = ?{only} "
            "order by unit_code, table_no, metric_code, scope, first_seen, record_id",
            [snapshot, *extra],
        )
        before = (
            published.rows(
                con,
                f"select {cols} from marts.fct_worklist where snapshot_date = ?{only} "
                "order by unit_code, table_no, metric_code, scope, record_id",
                [previous, *extra],
            )
            if previous
            else []
        )
    finally:
        con.close()
    units: dict[str, UnitList] = {}
    for code, name, table_no in listed:
        units.setdefault(code, UnitList(code, name)).listed_tables.add(table_no)
    still = set()
    for row in current:
        u = units.get(row["unit_code"])
        if u is not None:
            u.tables[row["table_no"]].append(row)
            still.add((row["unit_code"], row["table_no"], row["metric_code"], row["scope"], row["record_id"]))
    for row in before:
        key = (row["unit_code"], row["table_no"], row["metric_code"], row["scope"], row["record_id"])
        u = units.get(row["unit_code"])
        if u is not None and key not in still:
            u.resolved.append(row)
    return snapshot, previous, units, names, titles


def file_name(unit_code: str) -> str:
    return re.sub(r"[^0-9A-Za-z_-]", "_", unit_code) + ".xlsx"


def _write_workbook(
    path: Path,
    unit: UnitList,
    snapshot: dt.date,
    previous: dt.date | None,
    names: dict[str, str],
    titles: dict[int, str],
) -> None:
    book = xlsxwriter.Workbook(
        str(path),
        {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False},
    )
    base = {"font_name": FONT, "font_size": 10}
    head = book.add_format({**base, "bold": True, "bg_color": "#F3F3F3", "border": 1, "text_wrap": True})
    text = book.add_format({**base, "num_format": "@"})
    day = book.add_format({**base, "num_format": "yyyy-mm-dd"})
    number = book.add_format({**base, "num_format": "0"})
    title = book.add_format({**base, "bold": True, "font_size": 12})

    def headings(sheet, row: int, cells: tuple[str, ...]) -> None:
        for col, (label, width) in enumerate(zip(cells, WIDTHS)):
            sheet.set_column(col, col, width)
            sheet.write_string(row, col, label, head)

    summary = book.add_worksheet(SUMMARY_SHEET)
    summary.write_string(0, 0, f"{unit.unit_name}（{unit.unit_code}）查漏补缺清单", title)
    summary.write_string(
        1,
        0,
        f"数据截至 {snapshot.isoformat()}" + (f"；已整改对照 {previous.isoformat()}" if previous else "；无上期数据"),
        text,
    )
    headings(summary, 3, ("表", "表名", "待整改记录数"))
    row = 4
    for table_no in sorted(unit.listed_tables):
        summary.write_string(row, 0, f"表{table_no}", text)
        summary.write_string(row, 1, titles.get(table_no, ""), text)
        summary.write_number(row, 2, len(unit.tables.get(table_no, [])), number)
        row += 1
    summary.write_string(row, 0, RESOLVED_SHEET, text)
    summary.write_string(row, 1, "上期在清单、本期已不在清单的记录", text)
    summary.write_number(row, 2, len(unit.resolved), number)

    for table_no in sorted(unit.listed_tables):
        sheet = book.add_worksheet(f"表{table_no}")
        headings(sheet, 0, OPEN_HEADINGS)
        sheet.freeze_panes(1, 0)
        rows = unit.tables.get(table_no, [])
        if not rows:
            sheet.write_string(1, 0, "无需整改", text)
        for i, r in enumerate(rows, start=1):
            _record_cells(sheet, i, r, names, text, day)
            sheet.write_number(i, 7, weeks_open(snapshot, r["first_seen"]), number)

    sheet = book.add_worksheet(RESOLVED_SHEET)
    for col, (label, width) in enumerate(zip(RESOLVED_HEADINGS, (6, *WIDTHS))):
        sheet.set_column(col, col, width)
        sheet.write_string(0, col, label, head)
    sheet.freeze_panes(1, 0)
    for i, r in enumerate(unit.resolved, start=1):
        sheet.write_string(i, 0, f"表{r['table_no']}", text)
        _record_cells(sheet, i, r, names, text, day, offset=1)
        sheet.write_number(i, 8, weeks_open(previous, r["first_seen"]), number)
    book.close()


def _record_cells(sheet, row: int, r: dict, names: dict[str, str], text, day, offset: int = 0) -> None:
    """The record's cells from column `offset`: metric, scope, id, name, department, reason, first seen
    (the kind of record follows from the metric, so it is not repeated on every row)."""
    cells = (
        names.get(r["metric_code"], r["metric_code"]),
        SCOPE_NAMES.get(r["scope"], r["scope"]),
        r["record_id"],
        r["record_name"] or "",
        r["dept_name"] or r["dept_id"] or "",
        r["reason"],
    )
    for col, value in enumerate(cells, start=offset):
        sheet.write_string(row, col, str(value), text)
    sheet.write_datetime(row, offset + len(cells), dt.datetime.combine(r["first_seen"], dt.time()), day)


def _index_html(
    snapshot: dt.date, previous: dt.date | None, units: dict[str, UnitSummary], titles: dict[int, str]
) -> str:
    tables = sorted({t for u in units.values() for t in u.counts})
    e = html.escape
    head = "".join(f'<th title="{e(titles.get(t, ""))}">表{t}</th>' for t in tables)
    body = []
    for code in sorted(units, key=lambda c: (-units[c].open_count, c)):
        u = units[code]
        cells = "".join(f"<td>{u.counts.get(t, '')}</td>" for t in tables)
        body.append(
            f'<tr><td><a href="{e(file_name(code))}">{e(u.unit_name)}</a></td><td>{e(code)}</td>{cells}'
            f"<td>{u.open_count}</td><td>{u.resolved}</td></tr>"
        )
    against = f"，已整改对照 {previous.isoformat()}" if previous else ""
    return f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>查漏补缺清单 {snapshot.isoformat()}</title>
<style>body{{font-family:"Noto Sans CJK SC",sans-serif;margin:2em}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:2px 8px;text-align:right}}
td:first-child,td:nth-child(2),th:first-child,th:nth-child(2){{text-align:left}}</style>
</head><body><h1>查漏补缺清单</h1>
<p>数据截至 {snapshot.isoformat()}{against}。{INDEX_INTRO}</p>
<table><thead><tr><th>单位</th><th>编码</th>{head}<th>待整改合计</th><th>已整改</th></tr></thead>
<tbody>
{chr(10).join(body)}
</tbody></table></body></html>
"""


@dataclass
class UnitSummary:
    """What the index shows of one unit's workbook."""

    unit_code: str
    unit_name: str
    counts: dict[int, int]  # table -> open records, for every table the unit is listed in
    resolved: int

    @property
    def open_count(self) -> int:
        return sum(self.counts.values())


def _write_group(job: tuple) -> list[UnitSummary]:
    """Read some units' lists and write their workbooks (one worker: its own read-only connection)."""
    warehouse, snapshot, codes, out_dir = job
    snapshot, previous, units, names, titles = read_worklists(warehouse, snapshot, codes=codes)
    out = []
    for code, u in units.items():
        replace_file(
            Path(out_dir) / file_name(code), lambda tmp, u=u: _write_workbook(tmp, u, snapshot, previous, names, titles)
        )
        out.append(
            UnitSummary(code, u.unit_name, {t: len(u.tables.get(t, [])) for t in u.listed_tables}, len(u.resolved))
        )
    return out


def _in_worker(job: tuple) -> list[UnitSummary]:
    """`_write_group(job)` in a worker process started as a module of the project
    (`python -m dagster_project.report.worklists`), as the ingestion readers are: a fresh
    interpreter that never imports the caller's `__main__` (multiprocessing's spawn would, and a
    script without a main guard would run again in every worker)."""
    proc = subprocess.run([sys.executable, "-m", __name__], input=pickle.dumps(job), capture_output=True)
    if proc.returncode != 0:
        raise RuntimeError(f"worklist worker exited {proc.returncode}: {proc.stderr.decode(errors='replace')[-2000:]}")
    return pickle.loads(proc.stdout)


def _groups(sizes: dict[str, int], n: int) -> list[list[str]]:
    """Units dealt to `n` groups of about equal record counts, largest first."""
    groups: list[tuple[int, list[str]]] = [(0, []) for _ in range(n)]
    for code in sorted(sizes, key=lambda c: (-sizes[c], c)):
        i = min(range(n), key=lambda k: groups[k][0])
        groups[i] = (groups[i][0] + sizes[code] + 1, [*groups[i][1], code])
    return [g for _, g in groups if g]


def write_worklists(
    warehouse: Path, out_dir: Path, snapshot: dt.date | None = None, unit: str | None = None, workers: int | None = None
) -> WorklistFiles:
    """`workers`: worker processes to deal the units to (default: one per core when the snapshot has
    RECORDS_PER_WORKER open records per core, else none: written in this process)."""
    started = time.monotonic()
    con = published.connect(warehouse)
    try:
        snapshots = published.snapshots(con)
        snapshot = published.resolve(snapshots, warehouse, snapshot)
        previous = published.previous(snapshots, snapshot)
        codes = (
            [resolve_unit(con, snapshot, None, unit)[0]]
            if unit
            else [
                r[0]
                for r in con.execute(
                    """select distinct m.unit_code from marts.fct_metrics as m
               inner join marts.dim_metrics as d on d.snapshot_date = m.snapshot_date and d.metric_code = m.metric_code
               where m.snapshot_date = ? and d.has_worklist and m.unit_code <> 'TOTAL'""",
                    [snapshot],
                ).fetchall()
            ]
        )
        sizes = dict.fromkeys(codes, 0) | dict(
            con.execute(
                "select unit_code, count(*) from marts.fct_worklist "
                "where snapshot_date = ? and list_contains(?, unit_code) group by 1",
                [snapshot, codes],
            ).fetchall()
        )
        titles = dict(
            con.execute(
                "select distinct table_no, table_title from marts.dim_metrics where snapshot_date = ?", [snapshot]
            ).fetchall()
        )
    finally:
        con.close()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    # Writing cells is xlsxwriter's Python, one call per cell: a large snapshot's units are dealt
    # to every core, each worker reading its own units (nothing large crosses a process
    # boundary). A worker starts in about a second, so a small snapshot is written here.
    if workers is None:
        workers = min(os.cpu_count() or 1, sum(sizes.values()) // RECORDS_PER_WORKER)
    jobs = [(Path(warehouse), snapshot, group, out_dir) for group in _groups(sizes, max(1, min(workers, len(codes))))]
    if len(jobs) > 1:
        with concurrent.futures.ThreadPoolExecutor(len(jobs)) as pool:
            summaries = [s for part in pool.map(_in_worker, jobs) for s in part]
    else:
        summaries = [s for job in jobs for s in _write_group(job)]
    units = {s.unit_code: s for s in summaries}
    index = out_dir / INDEX_NAME
    replace_file(index, lambda tmp: tmp.write_text(_index_html(snapshot, previous, units, titles), encoding="utf-8"))
    return WorklistFiles(
        snapshot,
        previous,
        out_dir,
        index,
        [out_dir / file_name(c) for c in sorted(units)],
        sum(u.open_count for u in units.values()),
        sum(u.resolved for u in units.values()),
        time.monotonic() - started,
        len(jobs) if len(jobs) > 1 else 0,
    )


if __name__ == "__main__":  # a worker of write_worklists: one pickled job on stdin, its summaries on stdout
    from dagster_project.report import worklists  # the summaries pickled under the module's name, not __main__'s

    sys.stdout.buffer.write(pickle.dumps(worklists._write_group(pickle.load(sys.stdin.buffer))))

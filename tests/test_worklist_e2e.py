"""End to end: `zwfw explain` and `zwfw worklist` on the two weekly snapshots a user built with
`zwfw run` (conftest.weekly_warehouse), including records that left a list in the second week."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import duckdb
import openpyxl
import pytest

pytestmark = pytest.mark.e2e

ZWFW = str(Path(sys.executable).with_name("zwfw"))
S1, S2 = dt.date(2020, 12, 18), dt.date(2020, 12, 25)


def zwfw(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([ZWFW, *args], capture_output=True, text=True)


def _q(warehouse: Path, sql: str, params=None):
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def test_the_run_writes_every_units_worklist_after_the_bulletin(weekly_warehouse):
    out = weekly_warehouse["second"].stdout
    line = next(x for x in out.splitlines() if "worklists (查漏补缺" in x)
    index = Path(line.rsplit(" ", 1)[-1])
    assert index.name == "index.html" and index.is_file()
    assert len(list(index.parent.glob("*.xlsx"))) > 10


def test_explain_traces_a_figure_to_exactly_its_shortfall(weekly_warehouse):
    wh = weekly_warehouse["warehouse"]
    # the unit with the largest 主动评价覆盖事项率 shortfall of table 15 on the first snapshot
    unit, num, den, text = _q(
        wh,
        """
        select unit_code, numerator, denominator, value_text from marts.fct_metrics
        where snapshot_date = ? and metric_code = 't15_item_coverage' and unit_code <> 'TOTAL'
        order by denominator - numerator desc, unit_code limit 1""",
        [S1],
    )[0]
    assert den - num > 20
    proc = zwfw(
        "explain",
        "--warehouse",
        str(wh),
        "--snapshot",
        S1.isoformat(),
        "--table",
        "15",
        "--unit",
        unit,
        "--metric",
        "t15_item_coverage",
    )
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "主动评价覆盖事项率" in out and "公式    主动评价覆盖事项数/事项总数×100%" in out
    assert f"分子    {int(num)}  " in out and f"分母    {int(den)}  " in out and f"数值    {text}" in out
    assert f"差额    {int(den - num)} 条记录，前 20 条：" in out
    assert sum(1 for x in out.splitlines() if x.startswith("    事项 ")) == 20


def test_explain_an_unknown_unit_lists_the_nearest(weekly_warehouse):
    proc = zwfw("explain", "--warehouse", str(weekly_warehouse["warehouse"]), "--table", "8", "--unit", "郑州")
    assert proc.returncode == 2
    assert "no unit '郑州' in table 8" in proc.stderr and "郑州市" in proc.stderr


def test_worklists_carry_first_seen_and_list_what_was_resolved(weekly_warehouse, tmp_path):
    wh = weekly_warehouse["warehouse"]
    key = "table_no, metric_code, scope, unit_code, record_id"
    # on both lists: first seen in the first week; only on the first: resolved in the second
    kept = _q(
        wh,
        f"""select count(*), count(*) filter (where b.first_seen = ?)
        from marts.fct_worklist a join marts.fct_worklist b using ({key})
        where a.snapshot_date = ? and b.snapshot_date = ?""",
        [S1, S1, S2],
    )[0]
    assert kept[0] > 0 and kept[0] == kept[1]
    unit, resolved = _q(
        wh,
        f"""
        select unit_code, count(*) from marts.fct_worklist a
        where snapshot_date = ? and not exists (
            select 1 from marts.fct_worklist b
            where b.snapshot_date = ? and ({key}) = (a.table_no, a.metric_code, a.scope, a.unit_code, a.record_id))
        group by unit_code order by count(*) desc, unit_code limit 1""",
        [S1, S2],
    )[0]
    assert resolved > 0, "the delta week resolves some records"
    proc = zwfw("worklist", "--warehouse", str(wh), "--unit", unit, "--out", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    book = openpyxl.load_workbook(next(tmp_path.glob("*.xlsx")), read_only=True)
    assert book.sheetnames[0] == "汇总" and book.sheetnames[-1] == "已整改"
    assert len(list(book["已整改"].iter_rows(min_row=2, values_only=True))) == resolved
    open_rows = sum(
        len(list(book[s].iter_rows(min_row=2, values_only=True))) for s in book.sheetnames if s.startswith("表")
    )
    listed = _q(wh, "select count(*) from marts.fct_worklist where snapshot_date = ? and unit_code = ?", [S2, unit])[0][
        0
    ]
    empty_sheets = sum(
        1
        for s in book.sheetnames
        if s.startswith("表") and next(book[s].iter_rows(min_row=2, values_only=True))[0] == "无需整改"
    )
    assert open_rows == listed + empty_sheets


def test_the_bulletin_ends_with_data_quality_by_submitting_unit(weekly_warehouse):
    wh = weekly_warehouse["warehouse"]
    report = wh.parent / "report" / S2.isoformat()
    html = (report / "bulletin.html").read_text(encoding="utf-8")
    assert "附表　各地各部门数据报送质量情况统计表" in html
    book = openpyxl.load_workbook(report / "bulletin.xlsx", read_only=True)
    assert book.sheetnames[-1] == "数据质量"
    # every reject of the week is counted once, on a unit or as 无法归属
    rejected = _q(wh, "select count(*) from raw.rejects where snapshot_date = ?", [S2])[0][0]
    printed = _q(
        wh,
        """select sum(rejected_rows) from marts.fct_data_quality_by_unit
                        where snapshot_date = ? and not is_total""",
        [S2],
    )[0][0]
    assert rejected > 0 and printed == rejected

"""The bulletin from a real warehouse of two weekly snapshots: written by `zwfw run` (the Dagster
asset) and by `zwfw report`; the XLSX read back and compared with the marts."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import duckdb
import openpyxl
import pytest

from dagster_project.report.layout import COUNT, PER_HEAD, PERCENT, PERCENT_FLOOR, TABLES, TEXT
from dagster_project.report.xlsx import sheet_name

pytestmark = pytest.mark.e2e

ZWFW = str(Path(sys.executable).with_name("zwfw"))
SNAPSHOT, PREVIOUS = "2020-12-25", "2020-12-18"
FORMATS = {COUNT: "0", PERCENT: "0.00%", PERCENT_FLOOR: "0%", PER_HEAD: "0.000"}
# a printed figure is within half its last digit of the value (truncated: within one whole percent)
PRINTED_WITHIN = {PERCENT: 0.00005 + 1e-12, PER_HEAD: 0.0005 + 1e-12, PERCENT_FLOOR: 0.01}


def marts(warehouse: Path, mart: str, snapshot: str) -> list[dict]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        cur = con.execute(f"select * from marts.{mart} where snapshot_date = ? order by scope, print_order", [snapshot])
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r)) for r in cur.fetchall()]
    finally:
        con.close()


@pytest.fixture(scope="module")
def report(weekly_warehouse, tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    proc = subprocess.run(
        [ZWFW, "report", "--warehouse", str(weekly_warehouse["warehouse"]), "--snapshot", SNAPSHOT, "--out", str(out)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return {"out": out, "proc": proc}


def test_zwfw_run_writes_the_bulletin_beside_the_warehouse(weekly_warehouse):
    folder = weekly_warehouse["warehouse"].parent / "report"
    for run, snapshot in (("first", PREVIOUS), ("second", SNAPSHOT)):
        stdout = weekly_warehouse[run].stdout
        for name in ("bulletin.html", "bulletin.xlsx"):
            path = folder / snapshot / name
            assert f"bulletin: {path}" in stdout, stdout
            assert path.stat().st_size > 10_000
    assert "较上期（2020年12月18日）" in (folder / SNAPSHOT / "bulletin.html").read_text(encoding="utf-8")
    assert "没有更早的一期数据" in (folder / PREVIOUS / "bulletin.html").read_text(encoding="utf-8")


def test_zwfw_report_names_its_files_and_the_snapshot_compared(report):
    out = report["proc"].stdout
    assert f"bulletin {SNAPSHOT} (change against {PREVIOUS})" in out
    assert str(report["out"] / "bulletin.html") in out and str(report["out"] / "bulletin.xlsx") in out
    assert not list(report["out"].glob(".*.tmp"))


def test_zwfw_report_refuses_a_snapshot_not_in_the_warehouse(weekly_warehouse, tmp_path):
    proc = subprocess.run(
        [
            ZWFW,
            "report",
            "--warehouse",
            str(weekly_warehouse["warehouse"]),
            "--snapshot",
            "2020-12-11",
            "--out",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2
    assert "snapshot 2020-12-11 is not published (published: 2020-12-18, 2020-12-25)" in proc.stderr
    assert not list(tmp_path.iterdir())


def _sheet_blocks(ws) -> list[list[list]]:
    """Data rows (first cell a number) grouped under each header row starting with 序号."""
    blocks: list[list[list]] = []
    for values in ws.iter_rows(values_only=False):
        first = values[0].value
        if first == "序号":
            blocks.append([])
        elif isinstance(first, (int, float)) and blocks:
            blocks[-1].append(values)
    return blocks


def _expected_number(text: str, kind: str):
    if kind == PER_HEAD:
        return float(Decimal(text))
    return float(Decimal(text.rstrip("%")) / 100)


@pytest.mark.parametrize("spec", TABLES, ids=lambda s: s.key)
def test_xlsx_sheet_equals_the_mart(report, weekly_warehouse, spec):
    warehouse = weekly_warehouse["warehouse"]
    wb = openpyxl.load_workbook(report["out"] / "bulletin.xlsx")
    ws = wb[sheet_name(spec.no)]
    assert ws.cell(row=1, column=1).value == f"表{spec.no}.{spec.title}"
    rows = marts(warehouse, spec.mart, SNAPSHOT)
    before = {(r["scope"], r["unit_code"]): r for r in marts(warehouse, spec.mart, PREVIOUS)}
    blocks = _sheet_blocks(ws)
    assert len(blocks) == len(spec.parts)
    for part, sheet_rows in zip(spec.parts, blocks):
        expected = [r for r in rows if r["scope"] == part.scope]
        assert len(sheet_rows) == len(expected) > 0, part.scope
        for cells, mart in zip(sheet_rows, expected):
            assert cells[0].value == mart["print_order"]
            assert cells[1].value == mart[spec.unit_column] and cells[1].data_type == "s"
            for i, column in enumerate(spec.columns):
                cell = cells[2 + i]
                if column.kind == TEXT:
                    assert cell.value == (mart[column.field] or None), column.field
                elif column.kind == COUNT:
                    assert cell.value == mart[column.field] and cell.number_format == "0", column.field
                else:
                    text, value = mart[f"{column.field}_text"], mart[column.field]
                    if text == "-":
                        assert cell.value == "-" and value is None, column.field
                        continue
                    assert cell.value == pytest.approx(_expected_number(text, column.kind), abs=1e-12)
                    assert cell.number_format == FORMATS[column.kind], column.field
                    assert abs(cell.value - value) <= PRINTED_WITHIN[column.kind], column.field
            # the change columns follow, one per ratio, against the previous snapshot's mart
            old = before.get((mart["scope"], mart["unit_code"]))
            for k, column in enumerate(spec.ratio_columns):
                cell = cells[2 + len(spec.columns) + k]
                value, prev = mart[column.field], old and old[column.field]
                if value is None or prev is None:
                    assert cell.value in (None, ""), column.field
                else:
                    scale = 1 if column.kind == PER_HEAD else 100
                    assert cell.value == pytest.approx((value - prev) * scale, abs=1e-9), column.field


def test_some_change_and_some_target_show_in_the_sample(report):
    """Guards against a sample in which nothing changes or nothing is below target."""
    page = (report["out"] / "bulletin.html").read_text(encoding="utf-8")
    assert 'class="delta up"' in page or 'class="delta down"' in page
    assert 'class="num below"' in page

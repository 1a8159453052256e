"""Tracing a figure to its records (`zwfw explain`) and the units' worklists (`zwfw worklist`), on a
hand-made published warehouse of two snapshots: 郑州市's 统一受理 shortfall shrinks from two
items to one between them (R1 was connected), 开封市 has none."""

import datetime as dt

import duckdb
import openpyxl
import pytest

from dagster_project.cli import main
from dagster_project.report.marts import ReportError
from dagster_project.report.trace import figures, render_explain
from dagster_project.report.worklists import write_worklists

S1, S2 = dt.date(2020, 12, 18), dt.date(2020, 12, 25)
HOSTILE = '=HYPERLINK("http://x.invalid","点我")'


@pytest.fixture()
def published(tmp_path):
    path = tmp_path / "zwfw.duckdb"
    con = duckdb.connect(str(path))
    con.execute("create schema marts")
    con.execute("""create table marts.fct_metrics (snapshot_date date, table_no integer, metric_code varchar,
        scope varchar, unit_code varchar, unit_name varchar, numerator double, denominator double, value double,
        value_text varchar)""")
    rows = []
    for day, zz_num in ((S1, 1), (S2, 2)):
        rows += [
            (day, 8, "t08_ua_coverage", "city_level", "410100", "郑州市", zz_num, 3, zz_num / 3, f"{zz_num / 3:.2%}"),
            (day, 8, "t08_ua_coverage", "city_level", "410200", "开封市", 1, 1, 1.0, "100.00%"),
            (day, 8, "t08_ua_coverage", "city_level", "TOTAL", "合计", zz_num + 1, 4, (zz_num + 1) / 4, "-"),
            (day, 8, "t08_items", "city_level", "410100", "郑州市", None, None, 3, "3"),
        ]
    con.executemany("insert into marts.fct_metrics values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    con.execute(
        """create table marts.dim_metrics as select * from (values
        (?::date, 't08_ua_coverage', 8, '省辖市、省直管县（市）统一受理事项覆盖情况统计表', '统一受理事项覆盖度',
         '接入统一受理事项总数/政务服务事项总数×100%', '接入统一受理的发布库事项数', '发布库事项总数', true),
        (?::date, 't08_items', 8, '省辖市、省直管县（市）统一受理事项覆盖情况统计表', '政务服务事项总数',
         '发布库事项总数', '发布库事项总数', null, false))
        t(snapshot_date, metric_code, table_no, table_title, metric_name, formula, numerator, denominator,
          has_worklist)""",
        [S2, S2],
    )
    con.execute("insert into marts.dim_metrics select ?::date, * exclude (snapshot_date) from marts.dim_metrics", [S1])
    con.execute("""create table marts.fct_worklist (snapshot_date date, table_no integer, metric_code varchar,
        scope varchar, unit_code varchar, record_kind varchar, record_id varchar, record_name varchar,
        dept_id varchar, dept_name varchar, reason varchar, first_seen date)""")
    con.executemany(
        "insert into marts.fct_worklist values (?, 8, 't08_ua_coverage', 'city_level', '410100', 'item', "
        "?, ?, 'D01', '郑州市市场监督管理局', '未接入统一受理', ?)",
        [(S1, "R1", "甲事项", S1), (S1, "R2", HOSTILE, S1), (S2, "R2", HOSTILE, S1)],
    )
    con.close()
    return path


def test_explain_prints_formula_parts_figure_and_records(published):
    snapshot, figs = figures(published, 8, "410100")
    assert snapshot == S2
    text = render_explain(snapshot, figs)
    assert "统一受理事项覆盖度  [t08_ua_coverage, 市本级]" in text
    assert "公式    接入统一受理事项总数/政务服务事项总数×100%" in text
    assert "分子    2  接入统一受理的发布库事项数" in text and "分母    3  发布库事项总数" in text
    assert "数值    66.67%" in text
    assert "差额    1 条记录：" in text and "R2" in text and "已列 2 周" in text
    assert "R1" not in text  # connected in the second week


def test_explain_any_published_snapshot_and_one_metric(published):
    snapshot, figs = figures(published, 8, "郑州市", snapshot=S1, metric="t08_ua_coverage")
    assert snapshot == S1 and len(figs) == 1
    assert figs[0].record_count == 2 and [r["record_id"] for r in figs[0].records] == ["R1", "R2"]


def test_explain_an_unknown_unit_names_the_nearest(published, capsys):
    with pytest.raises(ReportError, match=r"no unit '郑州' in table 8 .*nearest: 郑州市 \(410100\)"):
        figures(published, 8, "郑州")
    assert main(["explain", "--warehouse", str(published), "--table", "8", "--unit", "4101"]) == 2
    assert "nearest: " in capsys.readouterr().err


def test_explain_an_unpublished_snapshot_fails_clearly(published):
    with pytest.raises(ReportError, match="no snapshot 2021-01-01"):
        figures(published, 8, "410100", snapshot=dt.date(2021, 1, 1))


def test_worklists_one_workbook_per_unit_with_resolved_records(published, tmp_path):
    files = write_worklists(published, tmp_path / "out")
    assert files.snapshot == S2 and files.previous == S1
    assert sorted(p.name for p in files.workbooks) == ["410100.xlsx", "410200.xlsx"]
    assert files.records == 1 and files.resolved == 1
    index = files.index.read_text(encoding="utf-8")
    assert '<a href="410100.xlsx">郑州市</a>' in index

    book = openpyxl.load_workbook(tmp_path / "out" / "410100.xlsx")
    assert book.sheetnames == ["汇总", "表8", "已整改"]
    open_rows = list(book["表8"].iter_rows(values_only=True))
    assert open_rows[0] == ("指标", "范围", "记录编号", "记录名称", "责任部门", "原因", "首次列入", "已列周数")
    assert open_rows[1][0] == "统一受理事项覆盖度" and open_rows[1][2] == "R2"
    assert open_rows[1][4] == "郑州市市场监督管理局" and open_rows[1][5] == "未接入统一受理"
    assert open_rows[1][6] == dt.datetime(2020, 12, 18) and open_rows[1][7] == 2  # a date and a number
    resolved = list(book["已整改"].iter_rows(values_only=True))
    assert [r[3] for r in resolved[1:]] == ["R1"] and resolved[1][0] == "表8"
    # a name that looks like a formula stays text: no cell of any sheet is a formula
    assert book["表8"].cell(row=2, column=4).value == HOSTILE
    assert all(c.data_type != "f" for ws in book for row in ws.iter_rows() for c in row)

    quiet = openpyxl.load_workbook(tmp_path / "out" / "410200.xlsx")
    assert list(quiet["表8"].iter_rows(values_only=True))[1][0] == "无需整改"


def test_worklist_for_one_unit(published, tmp_path):
    assert main(["worklist", "--warehouse", str(published), "--unit", "410200", "--out", str(tmp_path / "one")]) == 0
    assert sorted(p.name for p in (tmp_path / "one").iterdir()) == ["410200.xlsx", "index.html"]


def test_worker_processes_never_rerun_the_callers_script(published, tmp_path):
    """A script without a main guard writes the worklists with a worker per unit group: the
    workers start as a module of the project (`python -m`), so the script itself runs once (with
    multiprocessing's spawn it ran again in every worker), and the workbooks are the same as
    written in one process."""
    import subprocess
    import sys

    ran = tmp_path / "ran.txt"
    script = tmp_path / "weekly.py"
    script.write_text(
        "from pathlib import Path\n"
        "from dagster_project.report.worklists import write_worklists\n"
        f"with open({str(ran)!r}, 'a') as f:\n"
        "    f.write('ran\\n')\n"
        f"files = write_worklists(Path({str(published)!r}), Path({str(tmp_path / 'out')!r}), workers=2)\n"
        "print(files.workers, len(files.workbooks), files.records)\n",
        encoding="utf-8",
    )
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert ran.read_text() == "ran\n"
    in_one = write_worklists(published, tmp_path / "one", workers=1)
    assert in_one.workers == 0 and len(in_one.workbooks) == 2  # two units: two groups, two workers
    assert proc.stdout.split() == ["2", str(len(in_one.workbooks)), str(in_one.records)]
    for book in in_one.workbooks:
        by_worker = openpyxl.load_workbook(tmp_path / "out" / book.name)
        alone = openpyxl.load_workbook(book)
        assert [[c.value for c in row] for ws in by_worker for row in ws.iter_rows()] == [
            [c.value for c in row] for ws in alone for row in ws.iter_rows()
        ]

"""Rendering hand-written marts: formula-looking text stays text in XLSX, markup is escaped in HTML,
charts sort units and mark 合计."""

from __future__ import annotations

import re
import zipfile

import openpyxl
import pytest

from dagster_project.report.bulletin import build_bulletin
from dagster_project.report.charts import bar_chart, bars
from dagster_project.report.html import render_html
from dagster_project.report.layout import TABLES_BY_NO
from dagster_project.report.xlsx import sheet_name, write_xlsx

from .synthetic import data, ratio, row, t14

EVIL_UNIT = '=HYPERLINK("http://example.invalid","点我")'
EVIL_SYSTEM = "=1+1"
EVIL_URL = "=cmd|' /C calc'!A0"
MARKUP_UNIT = "<script>alert(1)</script>厅"


@pytest.fixture(scope="module")
def bulletin():
    current = {
        "fct_t14_evaluations": [
            t14(EVIL_UNIT, "D1", 1, ratio(1, 10, "10.00%"), ratio(1, 1, "100.00%")),
            t14(MARKUP_UNIT, "D2", 2, ratio(9, 10, "90.00%"), ratio(0, 0, "-")),
            t14("+SUM(A1)", "D3", 3, ratio(5, 10, "50.00%"), ratio(1, 2, "50.00%")),
            t14("合计", "TOTAL", 4, ratio(15, 30, "50.00%"), ratio(2, 3, "66.67%"), total=True),
        ],
        "fct_t12_open_auth_systems": [
            row(
                "auth_system", 1, "SYS1", "@某厅", system_name=EVIL_SYSTEM, integration_started_text="否", url=EVIL_URL
            ),
        ],
        "fct_t18_branch_halls": [
            row(
                "city",
                1,
                "410100",
                "郑州市",
                items=62,
                target_items=60,
                target_completion=ratio(62, 60, "103%"),
                non_query_items=46,
                non_query_share=ratio(46, 62, "74%"),
            ),
            row(
                "city",
                2,
                "TOTAL",
                "合计",
                True,
                items=62,
                target_items=60,
                target_completion=ratio(62, 60, "103%"),
                non_query_items=46,
                non_query_share=ratio(46, 62, "74%"),
            ),
        ],
    }
    previous = {"fct_t14_evaluations": [t14(EVIL_UNIT, "D1", 1, ratio(2, 10, "20.00%"), ratio(1, 1, "100.00%"))]}
    return build_bulletin(data(current, previous))


@pytest.fixture(scope="module")
def workbook(bulletin, tmp_path_factory):
    path = write_xlsx(bulletin, tmp_path_factory.mktemp("xlsx") / "bulletin.xlsx")
    return path, openpyxl.load_workbook(path)


def _find(ws, value):
    return next(c for r in ws.iter_rows() for c in r if c.value == value)


def test_text_that_looks_like_a_formula_stays_text(workbook):
    path, wb = workbook
    for sheet, value in (
        (sheet_name(14), EVIL_UNIT),
        (sheet_name(14), "+SUM(A1)"),
        (sheet_name(12), EVIL_SYSTEM),
        (sheet_name(12), EVIL_URL),
        (sheet_name(12), "@某厅"),
    ):
        cell = _find(wb[sheet], value)
        assert cell.data_type == "s", (sheet, value)
    # and not one formula or hyperlink anywhere in the package
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/sheet"):
                xml = z.read(name).decode()
                assert "<f>" not in xml and "<f " not in xml, name
                assert "<hyperlink" not in xml, name


def test_figures_are_typed_numbers_with_the_printed_format(workbook):
    _, wb = workbook
    ws = wb[sheet_name(14)]
    unit = _find(ws, EVIL_UNIT)
    cells = {ws.cell(row=3, column=c).value: ws.cell(row=unit.row, column=c) for c in range(1, ws.max_column + 1)}
    heads = [ws.cell(row=r, column=c).value for r in (3, 4) for c in range(1, ws.max_column + 1)]
    assert "主动评价覆盖事项率" in heads and "主动评价覆盖事项率（百分点）" in heads
    coverage = cells["主动评价覆盖事项率"]
    assert (coverage.value, coverage.number_format) == (0.1, "0.00%")
    assert (cells["主动评价总数"].value, cells["主动评价总数"].number_format) == (1, "0")
    assert cells["序号"].value == 1
    # the change column: 10% now, 20% before = -10 points
    change_col = 2 + len(TABLES_BY_NO[14].columns) + 1 + 2  # after the columns, 3rd ratio = item_coverage
    change = ws.cell(row=unit.row, column=change_col)
    assert change.value == pytest.approx(-10.0) and change.number_format == "+0.00;-0.00;0.00"
    # no figure: the bulletin's dash, as text
    dash = ws.cell(row=_find(ws, MARKUP_UNIT).row, column=2 + len(TABLES_BY_NO[14].columns))
    assert dash.value == "-" and dash.data_type == "s"
    # table 18 keeps its truncated whole percent
    t18 = wb[sheet_name(18)]
    zz = _find(t18, "郑州市")
    assert (t18.cell(row=zz.row, column=4).value, t18.cell(row=zz.row, column=4).number_format) == (1.03, "0%")


def test_units_below_target_are_filled_in_the_workbook(workbook):
    _, wb = workbook
    ws = wb[sheet_name(14)]
    coverage_col = 2 + 4  # 序号, unit, 总数, 率, 完整性, 覆盖事项率
    low = ws.cell(row=_find(ws, EVIL_UNIT).row, column=coverage_col)
    high = ws.cell(row=_find(ws, MARKUP_UNIT).row, column=coverage_col)
    assert low.fill.fgColor.rgb.endswith("FBE1DF")
    assert high.fill.fgColor.rgb in (None, "00000000")


def test_html_escapes_unit_names_everywhere(bulletin):
    page = render_html(bulletin)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;厅" in page
    assert "<script" not in page  # the page carries no script at all


def test_html_marks_change_and_targets(bulletin):
    page = render_html(bulletin)
    row_html = re.search(r'<tr data-unit="D1">(.*?)</tr>', page, re.S).group(1)
    assert 'class="delta down"' in row_html and "↓10.00" in row_html
    assert 'class="num below" title="主动评价覆盖事项率低于20%"' in row_html


def test_chart_sorts_units_high_to_low_and_marks_the_total(bulletin):
    block = bulletin.table(14).block("province_dept")
    chart = TABLES_BY_NO[14].charts[0]
    assert [b.name for b in bars(block, chart)] == [MARKUP_UNIT, "+SUM(A1)", "合计", EVIL_UNIT]
    svg = bar_chart(block, chart, "图14")
    assert svg.count('class="bar-total"') == 1
    assert svg.count('class="bar-below"') == 1  # 10% < 20%
    assert svg.count('class="bar-unit"') == 2
    assert 'class="target-line"' in svg and "目标 20%" in svg
    assert "<script>" not in svg


def test_html_draws_a_sparkline_from_the_history_under_the_named_ratios():
    """The trend of 主动评价覆盖事项率 (a ratio work point five names) under each unit's figure, one
    point per snapshot with a figure; none under a ratio no work point names, none from one point."""
    import datetime as dt

    from .synthetic import SNAPSHOT

    days = [SNAPSHOT - dt.timedelta(days=7 * k) for k in (3, 2, 1, 0)]
    current = {
        "fct_t14_evaluations": [
            t14("甲厅", "D1", 1, ratio(5, 10, "50.00%"), ratio(1, 1, "100.00%")),
            t14("乙厅", "D2", 2, ratio(1, 10, "10.00%"), ratio(1, 1, "100.00%")),
        ]
    }
    history = data(current)
    history.trend_snapshots = days
    history.trends = {
        ("t14_item_coverage", "province_dept", "D1"): [0.2, None, 0.4, 0.5],
        ("t14_item_coverage", "province_dept", "D2"): [None, None, None, 0.1],
        ("t14_active_eval_rate", "province_dept", "D1"): [0.1, 0.2, 0.3, 0.5],
    }
    page = render_html(build_bulletin(history))
    d1 = re.search(r'<tr data-unit="D1">(.*?)</tr>', page, re.S).group(1)
    sparks = re.findall(r'<svg class="spark".*?</svg>', d1, re.S)
    assert len(sparks) == 1  # item_coverage only: active_eval_rate is named by no work point
    points = re.search(r'points="([^"]+)"', sparks[0]).group(1).split()
    assert len(points) == 3  # three snapshots had a figure
    ys = [float(p.split(",")[1]) for p in points]
    assert ys[0] > ys[1] > ys[2]  # 20 % → 40 % → 50 %: rising, drawn upwards
    assert "12月4日 20.00%；12月11日 -；12月18日 40.00%；12月25日 50.00%" in sparks[0]
    d2 = re.search(r'<tr data-unit="D2">(.*?)</tr>', page, re.S).group(1)
    assert "spark" not in d2  # one figure is no trend

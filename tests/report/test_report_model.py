"""The bulletin model from hand-written mart rows: printed figures, targets, change, work points."""

from __future__ import annotations

import pytest

from dagster_project.report.bulletin import build_bulletin
from dagster_project.report.layout import COUNT, PER_HEAD, PERCENT, PERCENT_FLOOR, TABLES, TEXT
from dagster_project.report.model import printed_number

from .synthetic import data, ratio, t14

T14 = "fct_t14_evaluations"


@pytest.mark.parametrize(
    "text, kind, expected",
    [
        ("92.13%", PERCENT, 0.9213),
        ("100.00%", PERCENT, 1.0),
        ("255%", PERCENT_FLOOR, 2.55),
        ("3.071", PER_HEAD, 3.071),
        ("2747", COUNT, 2747),
        ("-", PERCENT, None),
        ("--", PERCENT, None),
        ("=1+1", TEXT, None),
        ("n/a", PERCENT, None),
    ],
)
def test_printed_figures_read_back_as_numbers(text, kind, expected):
    assert printed_number(text, kind) == expected


def _bulletin(previous=None):
    rows = [
        t14("低覆盖厅", "D1", 1, ratio(1999, 10000, "19.99%"), ratio(99999, 100000, "100.00%")),
        t14("刚好二成厅", "D2", 2, ratio(2, 10, "20.00%"), ratio(5, 5, "100.00%")),
        t14("无事项厅", "D3", 3, ratio(0, 0, "-"), ratio(0, 0, "-")),
        t14("合计", "TOTAL", 4, ratio(2001, 10010, "19.99%"), ratio(100004, 100005, "100.00%"), total=True),
    ]
    return build_bulletin(data({T14: rows}, previous))


def test_targets_compare_exact_fractions_not_printed_text():
    block = _bulletin().table(14).block("province_dept")
    low, exact, empty, total = block.lines
    # 1999/10000 is below 20%; 2/10 is not; 99999/100000 prints 100.00% but is below 100%
    assert low.cell("item_coverage").missed.label == "主动评价覆盖事项率低于20%"
    assert low.cell("rectify_on_time").missed is not None
    assert exact.cell("item_coverage").missed is None and exact.cell("rectify_on_time").missed is None
    # no denominator: nothing to judge; 合计 is never highlighted
    assert empty.cell("item_coverage").missed is None and empty.cell("item_coverage").text == "-"
    assert total.cell("item_coverage").missed is None


def test_cells_print_the_mart_text_and_keep_the_unrounded_value():
    line = _bulletin().table(14).block("province_dept").lines[0]
    cell = line.cell("item_coverage")
    assert (cell.text, cell.number, cell.value) == ("19.99%", 0.1999, 0.1999)
    assert line.cell("active_evals").text == "1999" and line.cell("active_evals").number == 1999


def test_change_against_previous_snapshot_matched_by_unit():
    before = {
        T14: [
            t14("低覆盖厅", "D1", 1, ratio(1, 10, "10.00%"), ratio(1, 2, "50.00%")),
            t14("无事项厅", "D3", 2, ratio(1, 10, "10.00%"), ratio(1, 2, "50.00%")),
        ]
    }
    block = _bulletin(before).table(14).block("province_dept")
    low, exact, empty, _ = block.lines
    assert low.cell("item_coverage").change == pytest.approx(0.0999)
    assert exact.cell("item_coverage").change is None  # not in the previous snapshot
    assert empty.cell("item_coverage").change is None  # no value this week
    assert low.cell("active_evals").change is None  # counts carry no change


def test_no_previous_snapshot_means_no_change_anywhere():
    b = _bulletin()
    assert b.previous is None
    assert all(c.change is None for t in b.tables for bl in t.blocks for ln in bl.lines for c in ln.cells)


def test_every_table_is_there_in_print_order_with_its_parts():
    b = _bulletin()
    assert [t.spec.no for t in b.tables] == list(range(1, 19))
    assert [t.title for t in b.tables][:2] == [
        "表1.省直部门不见面审批、即办件、时限压缩情况统计表",
        "表2.省辖市及所辖县（市、区）流程内容详实率情况统计表",
    ]
    assert [p.scope for p in b.table(15).spec.parts] == ["city_total", "direct_county"]
    assert [line.order for line in b.table(14).block("province_dept").lines] == [1, 2, 3, 4]


def test_notes_name_the_snapshot_year():
    notes = " ".join(_bulletin().table(11).notes)
    assert "2020年以来" in notes and "{year}" not in notes


def test_work_point_five_names_units_below_twenty_percent_and_not_others():
    point = _bulletin().work_points[4]
    assert point.startswith("五是加快推进政务服务“好差评”工作。")
    low_part = point.split("本期主动评价覆盖事项率低于20%的：", 1)[1].split("。", 1)[0]
    assert "低覆盖厅（19.99%）" in low_part
    assert "刚好二成厅" not in low_part and "无事项厅" not in low_part
    assert "省辖市无" in low_part  # table 15 has no rows here: said, not left out
    rectify = point.split("差评按期整改率未达到100%的：", 1)[1].split("。", 1)[0]
    assert "低覆盖厅（100.00%）" in rectify and "刚好二成厅" not in rectify


def test_work_points_are_five_and_survive_empty_tables():
    points = _bulletin().work_points
    assert [p[:2] for p in points] == ["一是", "二是", "三是", "四是", "五是"]
    assert all("{" not in p for p in points)


def test_layout_covers_each_ratio_of_the_marts_once():
    for spec in TABLES:
        fields = [c.field for c in spec.columns]
        assert len(fields) == len(set(fields)), spec.no
        for chart in spec.charts:
            assert chart.field in fields and next(c for c in spec.columns if c.field == chart.field).kind in (
                PERCENT,
                PERCENT_FLOOR,
            ), spec.no


def test_long_lists_in_work_points_name_units_without_figures():
    rows = [t14(f"厅{i:02d}", f"D{i}", i, ratio(1, 10, "10.00%"), ratio(1, 1, "100.00%")) for i in range(1, 13)]
    point = build_bulletin(data({T14: rows})).work_points[4]
    low_part = point.split("本期主动评价覆盖事项率低于20%的：", 1)[1].split("。", 1)[0]
    assert "省直部门12个：厅01、厅02" in low_part and "（10.00%）" not in low_part
    assert low_part.count("、") >= 11

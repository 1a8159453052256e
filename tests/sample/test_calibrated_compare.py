"""compare.py on small in-memory frames: a mismatch is caught, an excepted cell is not a failure."""

from __future__ import annotations

from zwfw_sample.calibrated import compare as C
from zwfw_sample.calibrated.exceptions import ORDER, Excepted

T18 = [
    {
        "序号": "1",
        "省辖市": "濮阳市",
        "分厅事项接入数量(项)": "209",
        "目标完成情况": "348%",
        "非查询类事项上线数量(项)": "170",
        "非查询类事项占比": "81%",
    },
    {
        "序号": "2",
        "省辖市": "安阳市",
        "分厅事项接入数量(项)": "104",
        "目标完成情况": "173%",
        "非查询类事项上线数量(项)": "38",
        "非查询类事项占比": "28%",
    },
    {
        "序号": "3",
        "省辖市": "合计",
        "分厅事项接入数量(项)": "313",
        "目标完成情况": "260%",
        "非查询类事项上线数量(项)": "208",
        "非查询类事项占比": "66%",
    },
]


def _metrics(overrides: dict[tuple[str, str], str] | None = None) -> list[dict]:
    rows = []
    codes = {"濮阳市": "410900", "安阳市": "410500", "合计": "TOTAL"}
    heading = {
        "t18_items": "分厅事项接入数量(项)",
        "t18_target_completion": "目标完成情况",
        "t18_non_query_items": "非查询类事项上线数量(项)",
        "t18_non_query_share": "非查询类事项占比",
    }
    for r in T18:
        for code, h in heading.items():
            text = (overrides or {}).get((r["省辖市"], code), r[h])
            rows.append(
                {
                    "table_no": 18,
                    "metric_code": code,
                    "scope": "city",
                    "unit_code": codes[r["省辖市"]],
                    "unit_name": r["省辖市"],
                    "value_text": text,
                }
            )
    return rows


ANYANG = Excepted("t18", "安阳市", "非查询类事项占比", "28%", "36%", "38/104 = 36.5385%")


def _run(metrics, excepted=(), orders=None):
    return C.compare_all(
        metrics, orders or {"t18": ["濮阳市", "安阳市"]}, {}, {}, list(excepted), 1.0, printed={"t18": T18}
    )


def test_all_reproduced():
    cells = _run(_metrics())
    assert {c.status for c in cells} == {C.REPRODUCED}
    assert "reproduced 12 of 12 printed figures" in C.summary(cells)


def test_a_mismatch_is_caught():
    cells = _run(_metrics({("濮阳市", "t18_items"): "208"}))
    bad = [c for c in cells if c.status == C.MISMATCH]
    assert [(c.unit, c.column, c.printed, c.got) for c in bad] == [("濮阳市", "分厅事项接入数量(项)", "209", "208")]
    assert "濮阳市" in C.render_mismatches(cells)


def test_an_excepted_cell_is_not_a_failure():
    cells = _run(_metrics({("安阳市", "t18_non_query_share"): "36%"}), [ANYANG])
    assert not [c for c in cells if c.status == C.MISMATCH]
    (e,) = [c for c in cells if c.status == C.EXCEPTED]
    assert (e.unit, e.printed, e.got) == ("安阳市", "28%", "36%")
    # the same difference without the exception fails
    cells = _run(_metrics({("安阳市", "t18_non_query_share"): "36%"}))
    assert [c.unit for c in cells if c.status == C.MISMATCH] == ["安阳市"]


def test_spellings_are_normalised():
    assert C.normalise("100%", "pct") == "100.00%"
    assert C.normalise("--", "pct") == "-"
    assert C.normalise("0.78", "dec3") == C.normalise("0.780", "dec3")
    assert C.normalise("100%", "floor") == "100%"
    assert C.same_issuer("省住建厅", "河南省住房和城乡建设厅")
    assert C.same_issuer("省自然资源厅", "河南省自然资源厅")
    assert not C.same_issuer("省水利厅", "河南省自然资源厅")


def test_scaled_counts_are_not_failures_below_scale_1():
    rows = [{"序号": "1", "省直部门": "河南省商务厅", "主动评价总数": "123"}]
    part = C.Part(14, "province_dept", {"主动评价总数": C.Col("t14_active_evals", "scaled")})
    index = {(14, "t14_active_evals", "province_dept", "河南省商务厅"): "2"}
    C.PARTS["t14_test"] = part
    try:
        (cell,) = C.compare_part("t14_test", rows, index, {}, 0.01)
        assert cell.status == C.SCALED
        (cell,) = C.compare_part("t14_test", rows, index, {}, 1.0)
        assert cell.status == C.MISMATCH
    finally:
        del C.PARTS["t14_test"]


def test_print_order_exception_only_when_the_mart_follows_the_rule():
    rule = Excepted("t18", "", ORDER, "濮阳市 > 安阳市", "安阳市 > 濮阳市", "region order")
    ok = _run(_metrics(), [rule], orders={"t18": ["安阳市", "濮阳市"]})
    assert [c.status for c in ok if c.column == ORDER] == [C.EXCEPTED]
    no_rule = _run(_metrics(), [], orders={"t18": ["安阳市", "濮阳市"]})
    assert [c.status for c in no_rule if c.column == ORDER] == [C.MISMATCH]


def test_open_systems_match_one_to_one():
    rows = [
        {
            "序号": "1",
            "所属地区": "邓州市",
            "系统名称": "邓州市不动产网上办事大厅",
            "是否开展对接": "是",
            "备注": "http://47.105.207.253:8000",
        }
    ]
    good = [{"unit_name": "邓州市", "value_text": "邓州市不动产网上办事大厅|是|http://47.105.207.253:8000"}]
    assert {c.status for c in C.compare_systems("t13", rows, good)} == {C.REPRODUCED}
    extra = good + [{"unit_name": "邓州市", "value_text": "别的系统|否|"}]
    bad = [c for c in C.compare_systems("t13", rows, extra) if c.status == C.MISMATCH]
    assert len(bad) == 1 and bad[0].got == "别的系统|否|"

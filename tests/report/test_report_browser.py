"""The HTML bulletin in a real headless Chromium: it loads with no console error and no request
beyond itself, every table has its mart's rows, Chinese is drawn with a CJK font, it fits A4 when
printed, and a screenshot and a PDF are kept under the test output folder.

Chromium missing fails the test. Only ZWFW_SKIP_BROWSER=1, set explicitly, skips it.
"""

from __future__ import annotations

import os
import re
import shutil
import struct
from pathlib import Path

import duckdb
import pytest

from dagster_project.report.layout import QUALITY_TABLE, TABLES

from .chromium import Chromium, find_chromium

pytestmark = pytest.mark.e2e

SNAPSHOT = "2020-12-25"
REPO = Path(__file__).resolve().parents[2]
A4_CONTENT_WIDTH_PX = (210 - 2 * 16) / 25.4 * 96  # @page margins 16 mm left and right
CJK_FONT_WORDS = ("CJK", "Source Han", "YaHei", "PingFang", "SimSun", "SimHei", "FangSong", "WenQuanYi")


def output_dir() -> Path:
    """Kept after the run (CI can archive it): $ZWFW_TEST_OUTPUT or test-output/ in the repository."""
    path = Path(os.environ.get("ZWFW_TEST_OUTPUT") or REPO / "test-output") / "report"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    executable = find_chromium()
    if executable is None:
        if os.environ.get("ZWFW_SKIP_BROWSER") == "1":
            pytest.skip("ZWFW_SKIP_BROWSER=1: browser test skipped on request")
        pytest.fail(
            "Chromium not found (apt-get install chromium fonts-noto-cjk, or set ZWFW_CHROMIUM); "
            "set ZWFW_SKIP_BROWSER=1 to skip this test explicitly"
        )
    chrome = Chromium(executable, tmp_path_factory.mktemp("chromium"))
    yield chrome
    chrome.close()


@pytest.fixture(scope="module")
def page(browser, request):
    """The bulletin the Dagster asset wrote during `zwfw run`, opened from disk. The warehouse is
    asked for after the browser, so a missing Chromium fails before minutes of building."""
    weekly_warehouse = request.getfixturevalue("weekly_warehouse")
    html = weekly_warehouse["warehouse"].parent / "report" / SNAPSHOT / "bulletin.html"
    browser.open(html.as_uri())
    return {"browser": browser, "url": html.as_uri(), "html": html, "warehouse": weekly_warehouse["warehouse"]}


def test_loads_with_no_console_error_and_needs_nothing_else(page):
    b = page["browser"]
    assert b.console_errors() == []
    assert b.requested_urls() == [page["url"]]  # self-contained: no CSS, font, script or image fetched
    assert b.evaluate("document.title").startswith("一体化政务服务能力提升工作专刊")


def _mart_counts(warehouse: Path) -> dict[tuple[int, str], int]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        counts = {}
        for spec in TABLES:
            for scope, n in con.execute(
                f"select scope, count(*) from marts.{spec.mart} where snapshot_date = ? group by scope", [SNAPSHOT]
            ).fetchall():
                counts[(spec.no, scope)] = n
        return counts
    finally:
        con.close()


def test_every_table_is_present_with_the_marts_rows(page):
    found = page["browser"].evaluate("""
        [...document.querySelectorAll('section.bulletin-table')].map(s => ({
            no: +s.dataset.table,
            title: s.querySelector('h2').textContent.trim(),
            blocks: [...s.querySelectorAll('table.data')].map(t => ({
                scope: t.dataset.scope,
                rows: t.tBodies[0].rows.length,
                totals: t.querySelectorAll('tbody tr.total').length,
                lastIsTotal: t.tBodies[0].rows.length > 0
                    && t.tBodies[0].rows[t.tBodies[0].rows.length - 1].classList.contains('total'),
                visible: t.getBoundingClientRect().height > 0,
            })),
        }))""")
    counts = _mart_counts(page["warehouse"])
    # the 18 tables as printed, then the appendix: data quality by submitting unit
    assert [t["no"] for t in found] == [*range(1, 19), QUALITY_TABLE.no]
    appendix = found.pop()
    assert appendix["title"] == QUALITY_TABLE.caption
    assert [b["scope"] for b in appendix["blocks"]] == [p.scope for p in QUALITY_TABLE.parts]
    for spec, table in zip(TABLES, found):
        assert table["title"] == f"表{spec.no}.{spec.title}"
        assert [b["scope"] for b in table["blocks"]] == [p.scope for p in spec.parts]
        for block in table["blocks"]:
            assert block["rows"] == counts[(spec.no, block["scope"])] > 0, (spec.no, block)
            assert block["visible"]
            assert block["totals"] == (1 if spec.has_total else 0)
            assert block["lastIsTotal"] == spec.has_total


def test_chinese_is_drawn_with_a_cjk_font_not_boxes(page):
    b = page["browser"]
    for selector in (
        ".masthead .series",
        "h1",
        "#t15 tbody td.unit",
        "#t16 thead th",
        ".work-point",
        "figure.chart svg text",
    ):
        fonts = b.fonts_for(selector)
        assert fonts, selector
        for font in fonts:
            assert any(w in font["familyName"] for w in CJK_FONT_WORDS), (selector, fonts)
        assert sum(f["glyphCount"] for f in fonts) > 0
    # drawn, not boxes: a missing glyph is the same box for every character, real glyphs differ
    ink = b.evaluate("""(() => {
        const ctx = document.createElement('canvas').getContext('2d');
        ctx.font = '40px ' + getComputedStyle(document.querySelector('h1')).fontFamily;
        const h = s => { const m = ctx.measureText(s); return m.actualBoundingBoxAscent + m.actualBoundingBoxDescent; };
        return {flat: h('一'), tall: h('政')};
    })()""")
    assert ink["tall"] > 25 and ink["flat"] < ink["tall"] / 4, ink


def test_charts_one_per_ranked_block_with_total_marked(page):
    expected = sum(len(spec.charts) * len(spec.parts) for spec in TABLES)
    charts = page["browser"].evaluate("""
        [...document.querySelectorAll('figure.chart svg')].map(s => ({
            totals: s.querySelectorAll('g.bar-total').length,
            bars: s.querySelectorAll('g.bar-total, g.bar-unit, g.bar-below').length,
            width: s.getBoundingClientRect().width,
        }))""")
    assert len(charts) == expected
    assert all(c["totals"] == 1 and c["bars"] >= 2 and c["width"] > 300 for c in charts)


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", head[16:24])


def test_screenshot_saved(page):
    out = output_dir()
    shot = page["browser"].screenshot(out / f"bulletin-{SNAPSHOT}.png")
    width, height = _png_size(shot)
    assert width >= 1000 and height > 10_000  # the whole page: letter, 18 tables, charts
    first = page["browser"].screenshot(out / f"bulletin-{SNAPSHOT}-first-screen.png", full_page=False)
    assert first.stat().st_size > 50_000
    table = page["browser"].screenshot_element("#t15", out / f"bulletin-{SNAPSHOT}-t15.png")
    assert _png_size(table)[1] > 800  # two blocks of rows, notes and two charts
    shutil.copy2(page["html"], out / f"bulletin-{SNAPSHOT}.html")


def test_prints_to_a4_without_overflow(page):
    b = page["browser"]
    b.send("Emulation.setEmulatedMedia", {"media": "print"})
    b.send(
        "Emulation.setDeviceMetricsOverride",
        {"width": int(A4_CONTENT_WIDTH_PX), "height": 1000, "deviceScaleFactor": 1, "mobile": False},
    )
    try:
        wide = b.evaluate("""(() => {
            const limit = document.documentElement.clientWidth + 1;
            return [...document.querySelectorAll('table.data, figure.chart svg, .letter p, h2')]
                .filter(e => e.getBoundingClientRect().right > limit)
                .map(e => (e.closest('section') || e).id + ' ' + e.tagName);
        })()""")
        assert wide == []
        pdf = b.print_pdf(output_dir() / f"bulletin-{SNAPSHOT}.pdf")
    finally:
        b.send("Emulation.setEmulatedMedia", {"media": ""})
        b.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": 1200, "height": 1600, "deviceScaleFactor": 1, "mobile": False},
        )
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-")
    pages = len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data))
    assert 10 <= pages <= 80, pages  # A4 pages, neither one endless page nor a page per row

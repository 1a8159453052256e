"""The dbt docs site `zwfw run` writes for analysts, in a real headless Chromium: it loads from
disk with no console error and no request beyond itself, and the lineage of
fct_t08_unified_acceptance is reachable, from its graph button back to the raw sources.

Chromium missing fails the test. Only ZWFW_SKIP_BROWSER=1, set explicitly, skips it.
"""

from __future__ import annotations

import time

import pytest

from .test_report_browser import browser, output_dir  # noqa: F401  (the module's Chromium fixture)

pytestmark = pytest.mark.e2e

MODEL = "model.zwfw.fct_t08_unified_acceptance"
GRAPH = "angular.element(document.body).injector().get('graph')"


@pytest.fixture(scope="module")
def site(browser, request):  # noqa: F811
    weekly_warehouse = request.getfixturevalue("weekly_warehouse")
    index = weekly_warehouse["warehouse"].parent / "report" / "docs" / "index.html"
    assert str(index) in weekly_warehouse["second"].stdout  # zwfw run says where it is
    browser.open(f"{index.as_uri()}#!/model/{MODEL}")
    deadline = time.monotonic() + 30
    while not browser.evaluate("document.body.innerText.includes('表8 省辖市')"):
        assert time.monotonic() < deadline, "the model page did not render"
        time.sleep(0.2)
    return {"browser": browser, "index": index}


def test_the_site_loads_offline_with_no_console_error(site):
    b = site["browser"]
    assert b.console_errors() == []
    assert [u for u in b.requested_urls() if not u.startswith((site["index"].as_uri(), "data:"))] == []
    text = b.evaluate("document.body.innerText")
    assert "fct_t08_unified_acceptance" in text and "ua_coverage_numerator" in text  # columns, described


def test_the_lineage_of_table_8_reaches_the_raw_sources(site):
    b = site["browser"]
    b.evaluate("document.querySelector('a[title=\"View Lineage Graph\"]').click()")
    deadline = time.monotonic() + 30
    while not b.evaluate(f"{GRAPH}.graph.elements.filter(e => e.group == 'nodes').length > 1"):
        assert time.monotonic() < deadline, "the lineage graph did not open"
        time.sleep(0.2)
    shown = b.evaluate(f"{GRAPH}.graph.elements.filter(e => e.group == 'nodes').map(e => e.data.unique_id)")
    assert MODEL in shown and "model.zwfw.int_t08_unified_acceptance" in shown
    ancestors = b.evaluate(f"""(() => {{
        const edges = {GRAPH}.graph.pristine.edges, seen = new Set(), todo = ['{MODEL}'];
        while (todo.length) {{
            for (const e of edges[todo.pop()] || []) {{
                if (!seen.has(e.data.source)) {{ seen.add(e.data.source); todo.push(e.data.source); }}
            }}
        }}
        return Array.from(seen);
    }})()""")
    assert {"model.zwfw.stg_service_items", "source.zwfw.raw.service_items", "source.zwfw.raw.regions"} <= set(
        ancestors
    )
    b.screenshot(output_dir() / "docs-site-fct_t08.png", full_page=False)
    assert b.console_errors() == []
    assert [u for u in b.requested_urls() if not u.startswith((site["index"].as_uri(), "data:"))] == []

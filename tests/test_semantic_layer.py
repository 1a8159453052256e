"""The bulletin's metrics as a MetricFlow semantic layer: one metric per published code, kept in
step with the glossary, and `zwfw mf query` (MetricFlow on the published warehouse, attached
read-only) gives back fct_metrics for the bulletin's own groupings: every unit's figure, and each
scope's 合计 as the ratio of the units' sums."""

from __future__ import annotations

import csv
import math
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
METRICS_YML = REPO / "dbt" / "models" / "semantic" / "_bulletin_metrics.yml"
GLOSSARY = REPO / "dbt" / "seeds" / "metric_glossary.csv"
RATIO_KINDS = {"percent", "percent_floor", "per_head"}
# A ratio, a truncated percent of table 18, a count, the 人均办件量, two scopes of one table.
QUERIED = ("t08_ua_coverage", "t18_target_completion", "t15_active_evals", "t11_cases_per_capita", "t15_item_coverage")


def test_every_published_metric_code_is_a_metric_of_its_kind():
    glossary = {r["metric_code"]: r["value_kind"] for r in csv.DictReader(GLOSSARY.open(encoding="utf-8"))}
    metrics = {m["name"]: m for m in yaml.safe_load(METRICS_YML.read_text(encoding="utf-8"))["metrics"]}
    assert set(metrics) == {code for code, kind in glossary.items() if kind != "text"}
    for code, metric in metrics.items():
        expected = "ratio" if glossary[code] in RATIO_KINDS else "simple"
        assert metric["type"] == expected, code
        inputs = (
            [metric["type_params"]["numerator"], metric["type_params"]["denominator"]]
            if expected == "ratio"
            else [metric["type_params"]["measure"]]
        )
        for given in inputs:  # filtered to its own code, and to units (合计 rows would count twice)
            assert f"= '{code}'" in given["filter"] and "figure__is_total" in given["filter"], code


def _mf(warehouse: Path, out: Path, *args: str) -> list[dict[str, str]]:
    zwfw = str(Path(sys.executable).with_name("zwfw"))
    proc = subprocess.run(
        [zwfw, "mf", "--warehouse", str(warehouse), "query", *args, "--csv", str(out)], capture_output=True, text=True
    )
    assert proc.returncode == 0 and out.exists(), proc.stdout[-3000:] + proc.stderr[-3000:]
    with out.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _same(a: str | None, b: float | None) -> bool:
    if b is None or (isinstance(b, float) and math.isnan(b)):
        return a in (None, "", "None", "nan")
    return a not in (None, "", "None") and math.isclose(float(a), b, rel_tol=1e-12, abs_tol=1e-12)


@pytest.mark.e2e
@pytest.mark.parametrize("metric", QUERIED)
def test_mf_query_gives_back_the_published_figures(weekly_warehouse, tmp_path, metric):
    warehouse = weekly_warehouse["warehouse"]
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        published = {
            (str(d), s, u): v
            for d, s, u, v in con.execute(
                "select snapshot_date, scope, unit_code, value from marts.fct_metrics where metric_code = ?", [metric]
            ).fetchall()
        }
    finally:
        con.close()
    units = _mf(
        warehouse,
        tmp_path / "units.csv",
        "--metrics",
        metric,
        "--group-by",
        "metric_time__day,figure__scope,figure__unit_code",
    )
    got = {(r["metric_time__day"][:10], r["figure__scope"], r["figure__unit_code"]): r[metric] for r in units}
    expected = {k: v for k, v in published.items() if k[2] != "TOTAL"}
    assert set(got) == set(expected)
    assert [k for k in expected if not _same(got[k], expected[k])] == []
    totals = _mf(
        warehouse, tmp_path / "totals.csv", "--metrics", metric, "--group-by", "metric_time__day,figure__scope"
    )
    got = {(r["metric_time__day"][:10], r["figure__scope"], "TOTAL"): r[metric] for r in totals}
    expected = {k: v for k, v in published.items() if k[2] == "TOTAL"}
    assert set(got) == set(expected) and len(expected) >= 2  # both weekly snapshots
    assert [k for k in expected if not _same(got[k], expected[k])] == []


@pytest.mark.e2e
def test_mf_regroups_a_metric_by_city(weekly_warehouse, tmp_path):
    """Each 省辖市's 统一受理事项覆盖度 of 市本级 (table 8's first part), by the unit's city."""
    rows = _mf(
        weekly_warehouse["warehouse"],
        tmp_path / "cities.csv",
        "--metrics",
        "t08_ua_coverage",
        "--group-by",
        "unit__city,metric_time__week",
        "--where",
        "{{ Dimension('figure__scope') }} = 'city_level'",
    )
    con = duckdb.connect(str(weekly_warehouse["warehouse"]), read_only=True)
    try:
        published = dict(
            con.execute(
                "select u.city_name, m.value from marts.fct_metrics as m join marts.dim_units as u "
                "on u.snapshot_date = m.snapshot_date and u.scope = m.scope and u.unit_code = m.unit_code "
                "where m.metric_code = 't08_ua_coverage' and m.scope = 'city_level' "
                "and m.snapshot_date = date '2020-12-25'"
            ).fetchall()
        )
    finally:
        con.close()
    week = {r["unit__city"]: r["t08_ua_coverage"] for r in rows if r["metric_time__week"].startswith("2020-12-21")}
    assert set(week) == set(published) and len(published) >= 17
    assert [c for c in published if not _same(week[c], published[c])] == []

"""The glossary seeds are the one source of what is generated from them: each generated file is
what `python -m dagster_project.glossary` writes from the glossary as it is now."""

from __future__ import annotations

import dataclasses

import pytest

from dagster_project import glossary


@pytest.mark.quick
@pytest.mark.parametrize("path, render", glossary.GENERATED, ids=lambda x: getattr(x, "name", ""))
def test_each_generated_file_is_current(path, render):
    assert path.read_text(encoding="utf-8") == render(glossary.metrics()), (
        f"{path} is stale: run .venv/bin/python -m dagster_project.glossary"
    )


@pytest.mark.quick
def test_a_glossary_change_shows_in_what_is_generated():
    """A metric allowed past 100 % leaves the shares test; a new one appears in MetricFlow."""
    metrics = glossary.metrics()
    share = next(m for m in metrics if m.code == "t08_ua_coverage")
    assert f"'{share.code}'" not in glossary.render_shares_test(metrics)
    widened = [dataclasses.replace(m, may_exceed_100=True) if m is share else m for m in metrics]
    assert f"'{share.code}'" in glossary.render_shares_test(widened)
    extra = dataclasses.replace(share, code="t08_throwaway", name="试用指标")
    assert "name: t08_throwaway" in glossary.render_semantic_metrics([*metrics, extra])
    assert "表8 试用指标" in glossary.render_semantic_metrics([*metrics, extra])


@pytest.mark.quick
def test_the_shares_test_returns_exactly_the_shares_out_of_bounds():
    """The generated SQL, run over a small fct_metrics: a share above 1, a numerator above its
    denominator and a negative share fail; a ratio allowed past 100 %, a count and NULL parts pass."""
    import duckdb

    sql = glossary.render_shares_test(glossary.metrics()).replace("{{ ref('fct_metrics') }}", "fct_metrics")
    con = duckdb.connect()
    try:
        con.execute(
            "create table fct_metrics as select * from (values "
            "(date '2020-12-25', 8, 't08_ua_coverage', 'city_level', 'A', 3.0, 2.0, 1.5), "  # share > 1
            "(date '2020-12-25', 8, 't08_ua_coverage', 'city_level', 'B', 1.0, 2.0, 0.5), "  # fine
            "(date '2020-12-25', 8, 't08_ua_coverage', 'city_level', 'C', 2.0, 1.0, 0.9), "  # numerator > denominator
            "(date '2020-12-25', 8, 't08_ua_coverage', 'city_level', 'D', -1.0, 2.0, -0.5), "  # negative
            "(date '2020-12-25', 11, 't11_cases_per_capita', 'city_total', 'E', 9.0, 2.0, 4.5), "  # may exceed
            "(date '2020-12-25', 8, 't08_items', 'city_level', 'F', null, null, 12.0), "  # a count
            "(date '2020-12-25', 8, 't08_ua_coverage', 'city_level', 'G', null, null, null)"  # no parts
            ") as t(snapshot_date, table_no, metric_code, scope, unit_code, numerator, denominator, value)"
        )
        failing = sorted(r[4] for r in con.execute(sql).fetchall())
    finally:
        con.close()
    assert failing == ["A", "C", "D"]

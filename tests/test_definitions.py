"""The Definitions load, and the asset graph has the shape the project promises."""

from __future__ import annotations

import dagster as dg
import pytest

from zwfw_contract.sources import SOURCES


@pytest.fixture(scope="module")
def defs(dbt_manifest):
    from dagster_project import config
    from dagster_project.definitions import build_definitions

    return build_definitions(config.Settings.from_environ())


def _specs(defs):
    return {spec.key: spec for spec in defs.resolve_all_asset_specs()}


def test_one_ingestion_asset_per_source_keyed_like_the_dbt_source(defs):
    specs = _specs(defs)
    for source in SOURCES:
        spec = specs[dg.AssetKey(["raw", source.name])]
        assert spec.group_name == "ingestion"
        assert {"python", "parquet"} <= set(spec.kinds)


def test_dbt_models_grouped_by_layer_and_depend_on_ingestion(defs):
    specs = _specs(defs)
    groups = {spec.group_name for spec in specs.values()}
    assert {"ingestion", "staging", "intermediate", "marts"} <= groups
    stg_cases = specs[dg.AssetKey(["stg_cases"])]
    assert dg.AssetKey(["raw", "cases"]) in {d.asset_key for d in stg_cases.deps}
    assert "dbt" in stg_cases.kinds


def test_every_asset_sits_in_a_named_group(defs):
    specs = _specs(defs)
    assert [key.to_user_string() for key, spec in specs.items() if spec.group_name in (None, "default")] == []
    groups = {key.to_user_string(): spec.group_name for key, spec in specs.items()}
    assert groups["metric_glossary"] == groups["bulletin_tables"] == "glossary"
    assert groups["raw/rejects"] == groups["raw/load_files"] == groups["raw/cases"] == "ingestion"
    assert groups["metricflow_time_spine"] == "semantic"


def test_sources_needing_departments_load_after_them(defs):
    specs = _specs(defs)
    for source in SOURCES:
        deps = {d.asset_key for d in specs[dg.AssetKey(["raw", source.name])].deps}
        assert (dg.AssetKey(["raw", "departments"]) in deps) == bool(source.dept_column)


def test_weekly_schedule_fires_friday_evening_shanghai(defs):
    schedule = defs.resolve_schedule_def("weekly_snapshot_schedule")
    assert schedule.cron_schedule == "0 18 * * 5"
    assert schedule.execution_timezone == "Asia/Shanghai"


def test_dbt_tests_surface_as_asset_checks(defs):
    checks = list(defs.resolve_asset_graph().asset_check_keys)
    assert any(c.asset_key.path[-1] == "fct_metrics" for c in checks)


def test_publication_follows_every_mart_and_the_blocking_checks_and_the_bulletin_follows_it(defs):
    from dagster_project.assets.publication import PUBLISHED_WAREHOUSE
    from dagster_project.assets.report import BULLETIN_REPORT
    from dagster_project.report.layout import APPENDIX_MARTS, MARTS

    published = _specs(defs)[PUBLISHED_WAREHOUSE]
    assert published.group_name == "publish" and {"duckdb", "parquet"} <= set(published.kinds)
    deps = {d.asset_key for d in published.deps}
    # every mart the bulletin prints, the long form, the worklist, the dimensions
    assert {
        dg.AssetKey([m]) for m in (*MARTS, *APPENDIX_MARTS, "fct_metrics", "fct_worklist", "dim_metrics", "dim_units")
    } <= deps
    assert all(k.path[-1].startswith(("fct_", "dim_")) for k in deps)
    spec = _specs(defs)[BULLETIN_REPORT]
    assert spec.group_name == "report"
    assert spec.partitions_def is not None and spec.partitions_def.name == "snapshot"
    assert {d.asset_key for d in spec.deps} == {PUBLISHED_WAREHOUSE}
    # the reconciliation checks on fct_metrics block what depends on it: a failing one skips publication
    graph = defs.resolve_asset_graph()
    gx = [
        graph.get_check_spec(k)
        for k in graph.asset_check_keys
        if k.asset_key == dg.AssetKey(["fct_metrics"]) and k.name.startswith("gx_")
    ]
    assert gx and all(c.blocking for c in gx)
    # and the weekly job materializes it
    job = defs.resolve_job_def("weekly_snapshot")
    assert {BULLETIN_REPORT, PUBLISHED_WAREHOUSE} <= job.asset_layer.asset_graph.get_all_asset_keys()

"""Negative tests of the reconciliation suites: corrupt a copy of a small build, the right check fails.

The suites run inside the build, on its scratch database (dbt's staging and intermediate models,
raw views over the lake), before publication; `zwfw check` runs them on a published warehouse,
where the checks that need staging say "skipped". The fixture keeps the scratch database of one
`zwfw run` (`ZWFW_KEEP_BUILD=1`); each test corrupts a copy of it, its raw views made tables.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from dagster_project.quality.report import check_warehouse

ZWFW = str(Path(sys.executable).with_name("zwfw"))
pytestmark = pytest.mark.e2e  # a whole `zwfw run` behind the fixture: not the quick tier's


@pytest.fixture(scope="module")
def small_warehouse(tmp_path_factory) -> Path:
    """`zwfw generate --scale 0.1` + `zwfw run`, once per module: the kept scratch database."""
    d = tmp_path_factory.mktemp("wh")
    env = {**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "ZWFW_KEEP_BUILD": "1"}
    subprocess.run(
        [ZWFW, "generate", "--world", "sample", "--out", str(d / "raw"), "--snapshot", "2020-12-25", "--scale", "0.1"],
        check=True,
        env=env,
        capture_output=True,
    )
    wh = d / "wh.duckdb"
    r = subprocess.run(
        [ZWFW, "run", "--raw-dir", str(d / "raw"), "--snapshot", "2020-12-25", "--warehouse", str(wh)],
        env=env,
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0 and wh.exists(), (
        f"zwfw run did not publish a warehouse:\n{r.stdout[-2000:]}\n{r.stderr[-2000:]}"
    )
    build = wh.with_name(wh.name + ".build")
    assert build.exists()
    return build


def _published(build: Path) -> Path:
    return build.with_name(build.name.removesuffix(".build"))


def _corrupt(src: Path, tmp_path: Path, *sql: str) -> Path:
    dst = tmp_path / "corrupt.duckdb"
    shutil.copy(src, dst)
    con = duckdb.connect(str(dst))
    try:
        for (view,) in con.execute("select view_name from duckdb_views() where schema_name = 'raw'").fetchall():
            con.execute(f"create table raw.t_{view} as select * from raw.{view}")
            con.execute(f"drop view raw.{view}")
            con.execute(f"alter table raw.t_{view} rename to {view}")
        for s in sql:
            con.execute(s)
    finally:
        con.close()
    return dst


def _failed(outcomes):
    return {o.check.name: o for o in outcomes if not o.success}


def test_clean_build_passes(small_warehouse):
    ok, text, outcomes = check_warehouse(small_warehouse)
    assert ok, text
    assert not any(o.check.skipped for o in outcomes), text


def test_clean_published_warehouse_passes_and_says_what_it_skipped(small_warehouse):
    ok, text, outcomes = check_warehouse(_published(small_warehouse))
    assert ok, text
    skipped = {o.check.name for o in outcomes if o.check.skipped}
    assert skipped == {"x_ytd_cases_eq_loaded", "x_active_evals_eq_loaded", "raw_merged_events_eq_distinct_ids"}, text
    assert "skipped 2" in text and "needs the build's staging models" in text


def test_ratio_not_equal_parts_names_unit(small_warehouse, tmp_path):
    con = duckdb.connect(str(small_warehouse), read_only=True)
    unit, name = con.execute(
        "select unit_code, unit_name from marts.fct_metrics where metric_code='t08_ua_coverage' "
        "and unit_code <> 'TOTAL' and denominator > 0 order by unit_code limit 1"
    ).fetchone()
    con.close()
    wh = _corrupt(
        small_warehouse,
        tmp_path,
        "update marts.fct_metrics set value = value / 2 + 0.01 "
        f"where metric_code='t08_ua_coverage' and unit_code='{unit}'",
    )
    ok, text, outcomes = check_warehouse(wh)
    assert not ok
    f = _failed(outcomes)
    assert "t08_ratio_equals_parts" in f, text
    msg = f["t08_ratio_equals_parts"].messages[0]
    assert unit in msg and name in msg and "≠" in msg and "/" in msg


def test_rows_lost_between_read_and_load(small_warehouse, tmp_path):
    con = duckdb.connect(str(small_warehouse), read_only=True)
    file = con.execute("select file from raw.load_files where source='regions'").fetchone()[0]
    con.close()
    wh = _corrupt(
        small_warehouse,
        tmp_path,
        "delete from raw.regions where rowid in (select rowid from raw.regions where level='county' limit 3)",
    )
    ok, text, outcomes = check_warehouse(wh)
    assert not ok
    f = _failed(outcomes)
    assert "raw_loaded_eq_rows_in_table" in f, text
    msg = f["raw_loaded_eq_rows_in_table"].messages[0]
    assert "regions" in msg and file in msg and "lost 3" in msg


def test_evaluations_lost_after_the_marts_break_the_cross_table_count(small_warehouse, tmp_path):
    # Active YTD evaluations vanish from the merged events (staging) but the marts still count them.
    wh = _corrupt(
        small_warehouse,
        tmp_path,
        "delete from staging.stg_evaluations where rowid in (select rowid from staging.stg_evaluations "
        "where source = 'active' and year(evaluated_at) = 2020 limit 4)",
    )
    ok, text, outcomes = check_warehouse(wh)
    assert not ok
    f = _failed(outcomes)
    assert "x_active_evals_eq_loaded" in f, text
    msg = f["x_active_evals_eq_loaded"].messages[0]
    assert "合计" in msg and "≠" in msg and "t14 + t15" in msg


def test_cases_lost_after_the_marts_break_the_ytd_case_count(small_warehouse, tmp_path):
    wh = _corrupt(
        small_warehouse,
        tmp_path,
        "delete from staging.stg_cases where rowid in (select rowid from staging.stg_cases "
        "where year(accepted_at) = 2020 limit 2)",
    )
    ok, text, outcomes = check_warehouse(wh)
    f = _failed(outcomes)
    assert "x_ytd_cases_eq_loaded" in f, text
    assert "t10 + t11" in f["x_ytd_cases_eq_loaded"].messages[0]


def test_merge_that_keeps_two_versions_of_an_id(small_warehouse, tmp_path):
    # A staging merge that no longer collapses versions: three tickets appear twice.
    wh = _corrupt(
        small_warehouse,
        tmp_path,
        "create table staging.t_copy as select * from staging.stg_tickets",
        "drop table staging.stg_tickets",
        "create table staging.stg_tickets as select * from staging.t_copy "
        "union all (select * from staging.t_copy order by ticket_id limit 3)",
    )
    ok, text, outcomes = check_warehouse(wh)
    assert not ok
    f = _failed(outcomes)
    assert "raw_merged_events_eq_distinct_ids" in f, text
    msg = f["raw_merged_events_eq_distinct_ids"].messages[0]
    con = duckdb.connect(str(small_warehouse), read_only=True)
    n = con.execute("select count(distinct ticket_id) from raw.tickets").fetchone()[0]
    con.close()
    assert f"holds {n + 3} rows but {n} distinct ids" in msg and "tickets" in msg


def test_missing_reference_source(small_warehouse, tmp_path):
    wh = _corrupt(small_warehouse, tmp_path, "delete from raw.load_files where source='license_types'")
    ok, text, outcomes = check_warehouse(wh)
    assert not ok
    f = _failed(outcomes)
    assert "reference_sources_delivered" in f, text
    assert "license_types" in f["reference_sources_delivered"].messages[0]


def test_volume_drop_is_a_warning_only(small_warehouse, tmp_path):
    # A fake earlier snapshot with 10x the rows: the current one looks like a >50% drop.
    wh = _corrupt(
        small_warehouse,
        tmp_path,
        "insert into raw.load_files select snapshot_date - 7, source, file, format, encoding, "
        "rows_read * 10, rows_loaded * 10 + 10, rows_rejected * 10, loaded_at "
        "from raw.load_files where source='e_seals'",
    )
    ok, text, outcomes = check_warehouse(wh)
    f = _failed(outcomes)
    assert "volume_no_big_drop" in f, text
    assert f["volume_no_big_drop"].check.severity == "WARN"
    assert "e_seals" in f["volume_no_big_drop"].messages[0]
    assert ok, text  # warnings do not fail the verdict


def test_cli_check_exit_code(small_warehouse, tmp_path):
    wh = _corrupt(_published(small_warehouse), tmp_path, "delete from raw.load_files where source='regions'")
    r = subprocess.run(
        [ZWFW, "check", "--warehouse", str(wh), "--docs", str(tmp_path / "docs")], capture_output=True, text=True
    )
    assert r.returncode == 1, r.stdout + r.stderr
    assert "reference source regions not delivered" in r.stdout
    assert (tmp_path / "docs" / "index.html").exists()


def test_failing_blocking_check_keeps_published_warehouse(small_warehouse, tmp_path, monkeypatch):
    """A `zwfw run` whose GX checks fail (tolerance forced below zero) must not publish."""
    from dagster_project import config
    from dagster_project.quality import checks
    from dagster_project.run import run_snapshot

    raw = small_warehouse.parent / "raw"
    assert (raw / "2020-12-25").exists()
    published = tmp_path / "pub.duckdb"
    shutil.copy(_published(small_warehouse), published)
    before = published.read_bytes()
    monkeypatch.setattr(checks, "TOL", -1.0)  # every ratio now "differs" from its parts
    environ_before = dict(os.environ)
    # the lake beside pub.duckdb, not the fixture's
    settings = config.Settings.from_environ({}, warehouse=published, raw_dir=raw)
    summary = run_snapshot(settings, __import__("datetime").date(2020, 12, 25))
    assert not summary.success and not summary.published
    assert any("gx_metrics_reconcile" in c for c in summary.checks_failed), summary.render()
    assert published.read_bytes() == before
    # and the caller's environment is as it was: a run passes its settings, it never broadcasts them
    assert dict(os.environ) == environ_before

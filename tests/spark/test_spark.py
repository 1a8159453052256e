"""The same dbt models on Apache Spark (docs/SPARK.md): `zwfw run --engine spark` publishes what
the DuckDB build publishes, every data test runs in it, and every dbt unit test passes on Spark.

The DuckDB reference is the session's `weekly_warehouse` (two weekly snapshots of the sample
world: a backfill, then a 7-day delta); the Spark runs load the same deliveries into a
warehouse of their own: the backfill on a local session, the delta and the unit tests on a
Spark Connect server in a JVM of its own (what a cluster offers; docs/SPARK.md). Each Spark run
takes several minutes on two cores: the whole module is marked `spark` (`pytest -m "not spark"`
leaves it out; CI runs it).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from connect_server import connect_server
from spark_equivalence import differences, marts

from dagster_project import config

pytestmark = [pytest.mark.spark, pytest.mark.e2e]

REPO = Path(__file__).resolve().parents[2]
SNAPSHOTS = (dt.date(2020, 12, 18), dt.date(2020, 12, 25))
BIN = Path(sys.executable).parent


def _zwfw(*args: str, env: dict | None = None) -> tuple[subprocess.CompletedProcess, float]:
    started = time.monotonic()
    proc = subprocess.run([str(BIN / "zwfw"), *args], capture_output=True, text=True, env={**os.environ, **(env or {})})
    return proc, time.monotonic() - started


@pytest.fixture(scope="module")
def connect_url(tmp_path_factory):
    """A Spark Connect server in a JVM of its own, for the module: the nearest thing to a cluster here."""
    with connect_server(tmp_path_factory.mktemp("connect")) as url:
        yield url


@pytest.fixture(scope="module")
def spark_built(weekly_warehouse, connect_url, tmp_path_factory):
    """The backfill on a local session (a JVM in dbt's process), the delta on the Connect server."""
    warehouse = tmp_path_factory.mktemp("spark") / "wh" / "zwfw.duckdb"
    runs = []
    for snapshot, env in zip(SNAPSHOTS, ({}, {"SPARK_REMOTE": connect_url})):
        proc, seconds = _zwfw(
            "run",
            "--engine",
            "spark",
            "--raw-dir",
            str(weekly_warehouse["raw"]),
            "--snapshot",
            snapshot.isoformat(),
            "--warehouse",
            str(warehouse),
            env=env,
        )
        assert proc.returncode == 0, f"zwfw run --engine spark {snapshot} {env}:\n{proc.stdout}\n{proc.stderr}"
        runs.append(proc)
        print(f"\nzwfw run --engine spark {snapshot} {env}: {seconds:.0f} s")
    return {"warehouse": warehouse, "runs": runs, "reference": weekly_warehouse, "remote": connect_url}


def test_each_run_names_its_engine_and_version(spark_built):
    import duckdb as duck
    import pyspark

    backfill, delta = spark_built["runs"]
    assert f"engine: spark {pyspark.__version__} (session, local[2])" in backfill.stdout
    assert f"engine: spark {pyspark.__version__} (connect, {spark_built['remote']})" in delta.stdout
    for run in (spark_built["reference"]["first"], spark_built["reference"]["second"]):
        assert f"engine: duckdb {duck.__version__}" in run.stdout


def test_every_data_test_ran_on_spark(spark_built):
    """The weekly build on Spark runs the same dbt data tests as on DuckDB, and they pass."""
    counts = []
    for run in (*spark_built["runs"], spark_built["reference"]["first"], spark_built["reference"]["second"]):
        found = re.search(r"dbt models built: (\d+); dbt tests passed: (\d+); .* failed: (\d+)", run.stdout)
        assert found, run.stdout
        counts.append(tuple(int(g) for g in found.groups()))
    assert counts[0] == counts[2] and counts[1] == counts[3], counts  # Spark's (models, tests) == DuckDB's
    assert all(tests >= 100 and failed == 0 for _, tests, failed in counts), counts  # one `rules` test a model


@pytest.mark.parametrize("snapshot", SNAPSHOTS, ids=str)
def test_every_mart_equals_duckdbs(spark_built, snapshot):
    """fct_metrics, every fct_tNN and the other marts: text identical, numbers within 1e-12."""
    reference, spark = spark_built["reference"]["warehouse"], spark_built["warehouse"]
    names = marts(reference)
    assert names == marts(spark)
    assert "fct_metrics" in names and sum(n.startswith("fct_t") for n in names) >= 18
    problems = [p for name in names for p in differences(reference, spark, name, snapshot)]
    assert problems == [], "\n".join(problems[:20])
    con = duckdb.connect(str(spark), read_only=True)
    try:  # not vacuous: both snapshots' metrics are there
        assert (
            con.execute("select count(*) from marts.fct_metrics where snapshot_date = ?", [snapshot]).fetchall()[0][0]
            > 1000
        )
    finally:
        con.close()


def test_the_published_file_describes_every_column(spark_built):
    """Comments reach the published file from a Spark build too (import_marts, lake_sources)."""
    con = duckdb.connect(str(spark_built["warehouse"]), read_only=True)
    try:
        bare = con.execute(
            "select schema_name || '.' || table_name || '.' || column_name from duckdb_columns() "
            "where schema_name in ('marts', 'raw') and comment is null"
        ).fetchall()
        total = con.execute("select count(*) from duckdb_columns() where schema_name = 'marts'").fetchall()[0][0]
    finally:
        con.close()
    assert bare == [] and total > 300


def test_every_unit_test_passes_on_spark(spark_built):
    """`dbt test --select test_type:unit` through the Connect server the delta was built on (its
    catalog holds the relations the fixtures take their column types from)."""
    warehouse = spark_built["warehouse"]
    settings = config.Settings.from_environ(
        {config.SPARK_REMOTE_ENV: spark_built["remote"]}, warehouse=warehouse, engine="spark"
    )
    env = settings.subprocess_environment()
    target = warehouse.parent / "dbt-unit-target"
    started = time.monotonic()
    proc = subprocess.run(
        [
            str(BIN / "dbt"),
            "test",
            "--select",
            "test_type:unit",
            "--target-path",
            str(target),
            "--project-dir",
            str(REPO / "dbt"),
            "--profiles-dir",
            str(REPO / "dbt"),
            "--target",
            settings.dbt_target,
            "--vars",
            json.dumps({"snapshot_date": SNAPSHOTS[-1].isoformat()}),
        ],
        capture_output=True,
        text=True,
        env=env,
    )
    print(f"\ndbt unit tests on Spark: {time.monotonic() - started:.0f} s")
    results = [
        r
        for r in json.loads((target / "run_results.json").read_text())["results"]
        if r["unique_id"].startswith("unit_test.")
    ]
    failed = [r["unique_id"] for r in results if r["status"] != "pass"]
    declared = json.loads((target / "manifest.json").read_text()).get("unit_tests", {})
    assert proc.returncode == 0 and failed == [], "\n".join(failed) + "\n" + proc.stdout[-3000:]
    assert len(results) == len(declared) > 40

"""Publication inside Dagster: a job launched through Dagster (not `zwfw run`) builds aside and
publishes while an analyst holds the published file open; a killed run leaves it byte-identical."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from warehouse_helpers import copy_published, dagster_job, run_env
from warehouse_helpers import digest as _digest

pytestmark = pytest.mark.e2e
BIN = Path(sys.executable).parent


def _copy_published(weekly_warehouse, tmp_path) -> Path:
    """The weekly fixture's published file and its lake, copied: a warehouse with two snapshots."""
    return copy_published(weekly_warehouse["warehouse"], tmp_path / "wh")


def test_a_job_launched_through_dagster_publishes_while_an_analyst_reads(weekly_warehouse, tmp_path):
    published = _copy_published(weekly_warehouse, tmp_path)
    analyst = duckdb.connect(str(published), read_only=True)  # held open for the whole run
    try:
        before = analyst.execute("select count(*) from marts.fct_metrics").fetchall()
        proc = subprocess.run(
            dagster_job("2020-12-25"),
            env=run_env(published, weekly_warehouse["raw"], ZWFW_KEEP_BUILD="1"),
            capture_output=True,
            text=True,
            timeout=1800,
        )
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
        assert "RUN_SUCCESS" in proc.stdout + proc.stderr
        # the analyst's session still reads the old file, unblocked, and saw no half-built state
        assert analyst.execute("select count(*) from marts.fct_metrics").fetchall() == before
    finally:
        analyst.close()
    con = duckdb.connect(str(published), read_only=True)
    try:
        snapshots = [
            d.isoformat()
            for (d,) in con.execute("select distinct snapshot_date from marts.fct_metrics order by 1").fetchall()
        ]
        after = con.execute("select count(*) from marts.fct_metrics").fetchall()
    finally:
        con.close()
    assert snapshots == ["2020-12-18", "2020-12-25"] and after == before  # re-published, history kept
    # the build started from an empty scratch database, never a copy of the published file:
    # it holds the one snapshot it built, and no history
    build = published.with_name(published.name + ".build")
    con = duckdb.connect(str(build), read_only=True)
    try:
        assert con.execute("select distinct snapshot_date::varchar from marts.fct_metrics").fetchall() == [
            ("2020-12-25",)
        ]
    finally:
        con.close()
    # and the bulletin came from the published file
    assert (published.parent / "report" / "2020-12-25" / "bulletin.html").exists()


def test_a_run_killed_mid_build_leaves_the_published_file_byte_identical(weekly_warehouse, tmp_path):
    published = _copy_published(weekly_warehouse, tmp_path)
    before = _digest(published)
    build = published.with_name(published.name + ".build")
    proc = subprocess.Popen(
        [
            str(BIN / "zwfw"),
            "run",
            "--raw-dir",
            str(weekly_warehouse["raw"]),
            "--snapshot",
            "2020-12-25",
            "--warehouse",
            str(published),
        ],
        env=run_env(published, weekly_warehouse["raw"]),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 900
        while not (build.exists() and build.stat().st_size > 1_000_000):  # dbt is writing the scratch
            assert proc.poll() is None, "the run ended before dbt started"
            assert time.monotonic() < deadline
            time.sleep(0.2)
        time.sleep(2)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    assert _digest(published) == before
    assert not published.with_name(published.name + ".next").exists()
    # the lake holds only complete partitions: nothing hidden is read as a partition
    lake = published.parent / "lake"
    for part in lake.glob("*/snapshot_date=*"):
        assert {p.name for p in part.iterdir()} == {"part-0.parquet", "rejects.parquet", "load_files.parquet"}, part

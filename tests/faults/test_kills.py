"""SIGKILL a weekly `zwfw run` at each stage. After each: the published file is byte-identical,
the lake holds only complete partitions, and the next run of the same snapshot succeeds without
cleanup and publishes the `fct_metrics` a clean run does. Killed mid-export, with some of the
week's marts in the lake, the week reaches no publication of another snapshot either."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fault_world import SNAPSHOTS
from fault_world import zwfw_run as _zwfw
from warehouse_helpers import copy_published, digest, lake_digest, query, run_env

from dagster_project import lake as lake_layout

pytestmark = [pytest.mark.faults, pytest.mark.e2e]
PAUSED_RUN = Path(__file__).with_name("paused_run.py")
WEEK = SNAPSHOTS[1]
METRICS = "select * from marts.fct_metrics order by all"
PARTITION_FILES = {"part-0.parquet", "rejects.parquet", "load_files.parquet"}  # a source's
MART_FILES = {"part-0.parquet"}  # a published mart's, written before the file is assembled


@pytest.fixture(scope="module")
def world(small_world, tmp_path_factory):
    """What a clean weekly run publishes after the small world's backfill."""
    clean = copy_published(small_world["base"], tmp_path_factory.mktemp("clean"))
    subprocess.run(
        _zwfw(clean, small_world["raw"], WEEK), env=run_env(clean, small_world["raw"]), check=True, capture_output=True
    )
    return {**small_world, "clean_metrics": query(clean, METRICS)}


def _hidden(path: str) -> bool:
    return any(part.startswith(".") for part in Path(path).parts)


def _grown(path: Path, size: int) -> bool:
    return path.exists() and path.stat().st_size > size


def _wait(proc, ready, what: str, timeout: float = 900) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        assert proc.poll() is None, f"the run ended before {what}"
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


@pytest.mark.parametrize(
    "stage, where",
    [
        ("ingest", "mid-ingest: the cases file read, its lake partition half written"),
        ("dbt", "mid-dbt: a model half written into the scratch database"),
        ("checks", "during the blocking checks"),
        ("export", "mid-export: 8 of the week's marts in the lake, the others not yet"),
        ("publish", "during publication: <file>.next assembled, not yet renamed"),
    ],
)
def test_a_run_killed_at_each_stage(fault, world, tmp_path, stage, where):
    fault.tried(f"SIGKILL {where}", "published and lake unchanged; rerun equals a clean run")
    published = copy_published(world["base"], tmp_path / "wh")
    lake = published.parent / "lake"
    before, lake_before = digest(published), lake_digest(lake)
    marker = tmp_path / "paused"
    prefix = [sys.executable, str(PAUSED_RUN), stage, str(marker)]
    build = published.with_name(published.name + ".build")
    wal, written = published.with_name(published.name + ".wal"), lambda: published.stat()[6:9:2]  # size, mtime
    written_before = written()
    proc = subprocess.Popen(
        _zwfw(published, world["raw"], WEEK, prefix=prefix),
        env=run_env(published, world["raw"]),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        if stage == "dbt":  # wherever dbt writes: the scratch, or (a broken build) the published file
            _wait(
                proc, lambda: _grown(build, 1_000_000) or _grown(wal, 0) or written() != written_before, "dbt writing"
            )
            time.sleep(1)
        else:
            _wait(proc, marker.exists, f"the pause at {stage}")
    finally:
        with contextlib.suppress(ProcessLookupError):  # an early end is the assertion's to report
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    assert digest(published) == before
    assert not wal.exists(), "a write-ahead log beside the published file: its next reader replays it"
    after = {p: d for p, d in lake_digest(lake).items() if not _hidden(p)}  # what readers can see
    changed = {p for p in after if lake_before.get(p) != after[p]}
    markers = {p for p in changed if Path(p).parent.name == lake_layout.PUBLISHED}  # marts/_published/D
    assert {Path(p).name for p in markers} <= {f"snapshot_date={WEEK}"}, markers
    partitions = {Path(p).parent for p in changed - markers}
    for part in partitions:  # whatever changed is a whole, complete partition of the killed snapshot
        assert part.name == f"snapshot_date={WEEK}", part
        expected = MART_FILES if part.parts[0] == "marts" else PARTITION_FILES
        assert {p.name for p in (lake / part).iterdir()} == expected, part
    assert set(lake_before) <= set(after), "a partition readers saw has gone"

    if stage == "export":  # the week's marts half exported: a publication of another snapshot shows none
        earlier = subprocess.run(
            _zwfw(published, world["raw"], SNAPSHOTS[0]),
            env=run_env(published, world["raw"]),
            capture_output=True,
            text=True,
        )
        assert earlier.returncode == 0, earlier.stdout[-2000:] + earlier.stderr[-2000:]
        marts = [t for (t,) in query(published, "select table_name from duckdb_tables() where schema_name = 'marts'")]
        week = {t: query(published, f"select count(*) from marts.{t} where snapshot_date = '{WEEK}'") for t in marts}
        leaked = {t: rows for t, rows in week.items() if rows != [(0,)]}
        assert len(marts) > 8 and not leaked, f"the killed week's rows published in {leaked}"
    rerun = subprocess.run(
        _zwfw(published, world["raw"], WEEK), env=run_env(published, world["raw"]), capture_output=True, text=True
    )
    assert rerun.returncode == 0, rerun.stdout[-2000:] + rerun.stderr[-2000:]
    left = [str(p.relative_to(lake)) for p in lake.rglob("*") if _hidden(str(p.relative_to(lake)))]
    assert not left, f"the killed run's half-written partition is left: {left}"  # files and folders alike
    metrics = query(published, METRICS)
    rows = len(metrics)
    fault.lost_rows = abs(len(world["clean_metrics"]) - rows)
    fault.observed = (
        f"published unchanged, {len(partitions)} complete partition(s) written; "
        f"rerun ok, fct_metrics {rows} rows = clean run's: {metrics == world['clean_metrics']}"
    )
    assert metrics == world["clean_metrics"]

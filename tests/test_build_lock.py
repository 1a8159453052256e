"""One build at a time per warehouse: a second build stops at once naming the running one, and a
killed build's lock never blocks the next (flock dies with its holder)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from warehouse_helpers import dagster_job, zwfw_run

from dagster_project import build_lock
from zwfw_contract.sources import SOURCES

HOLD = """
import sys, time
from pathlib import Path
from dagster_project import build_lock
build_lock.acquire(Path(sys.argv[1]), "run-elsewhere", "a test holder")
print("held", flush=True)
time.sleep(600)
"""


@pytest.fixture()
def holder(tmp_path):
    """Another process holding the lock of tmp_path/zwfw.duckdb, as a running build would."""
    warehouse = tmp_path / "zwfw.duckdb"
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(warehouse)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "held"
    yield warehouse, proc
    if proc.poll() is None:
        proc.kill()
        proc.wait()


def test_a_second_build_is_refused_naming_the_running_one(holder):
    warehouse, proc = holder
    with pytest.raises(
        build_lock.BuildLocked,
        match=rf"another build of .*zwfw.duckdb is running \(pid {proc.pid} .*"
        r"launched by a test holder, run run-elsewhere\)",
    ):
        build_lock.acquire(warehouse, "run-here", "zwfw run")


def test_a_killed_builds_lock_is_taken_over_and_reported(holder):
    warehouse, proc = holder
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    stale = build_lock.acquire(warehouse, "run-here", "zwfw run")
    try:
        assert stale is not None and stale.pid == proc.pid and stale.run_id == "run-elsewhere"
        assert build_lock.holder(warehouse).pid == os.getpid()
        assert build_lock.acquire(warehouse, "run-here", "zwfw run") is None  # the same run again: a no-op
        assert oct(build_lock.lock_path(warehouse).stat().st_mode & 0o777) == "0o640"
    finally:
        build_lock.release(warehouse)
    assert build_lock.holder(warehouse) is None  # released cleanly: nothing left to report


def test_zwfw_run_exits_at_once_while_another_build_runs(holder, tmp_path):
    warehouse, proc = holder
    day = tmp_path / "raw" / "2020-12-25"
    day.mkdir(parents=True)
    for source in SOURCES:
        (day / f"{source.name}.csv").write_text("")
    started = time.monotonic()
    run = subprocess.run(
        zwfw_run(warehouse, tmp_path / "raw", "2020-12-25"),
        capture_output=True,
        text=True,
    )
    assert run.returncode == 2, run.stdout + run.stderr
    assert f"is running (pid {proc.pid}" in run.stderr
    assert time.monotonic() - started < 60
    assert not warehouse.exists() and not (tmp_path / "lake").exists()


@pytest.mark.e2e
def test_a_dagster_launched_job_is_refused_while_another_build_runs(holder, tmp_path):

    warehouse, proc = holder
    day = tmp_path / "raw" / "2020-12-25"
    day.mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if k not in ("ZWFW_LAKE", "ZWFW_REPORT_DIR")}
    env.update(ZWFW_WAREHOUSE=str(warehouse), ZWFW_RAW_DIR=str(tmp_path / "raw"))
    run = subprocess.run(
        dagster_job("2020-12-25"),
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    out = run.stdout + run.stderr
    assert run.returncode != 0 and "RUN_FAILURE" in out
    assert f"is running (pid {proc.pid}" in out
    assert not warehouse.exists() and not (tmp_path / "lake").exists() and "STEP_SUCCESS" not in out

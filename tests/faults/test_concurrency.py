"""Readers during publications: 4 analysts' processes query the published file in a loop while
3 weekly builds publish one after another. No reader errs, and each sees one publication's
snapshot set, the old or the new, never a mix."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fault_world import dagster_home, dagster_job, zwfw_run
from warehouse_helpers import copy_published, digest, query, run_env

pytestmark = [pytest.mark.faults, pytest.mark.e2e]
READER_LOOP = Path(__file__).with_name("reader_loop.py")


def test_four_readers_while_three_builds_publish(fault, small_world, tmp_path):
    fault.tried("4 readers in a loop while 3 builds publish", "no reader error; old or new set, never a mix")
    published = copy_published(small_world["base"], tmp_path / "wh")
    stop = tmp_path / "stop"
    outs = [tmp_path / f"reader-{i}.json" for i in range(4)]
    readers = [
        subprocess.Popen([sys.executable, str(READER_LOOP), str(published), str(stop), str(out)]) for out in outs
    ]
    try:
        time.sleep(1)
        for snapshot in small_world["snapshots"][1:]:
            run = subprocess.run(
                zwfw_run(published, small_world["raw"], snapshot),
                env=run_env(published, small_world["raw"]),
                capture_output=True,
                text=True,
            )
            assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
        time.sleep(1)
    finally:
        stop.touch()
        for r in readers:
            r.wait(timeout=120)
    results = [json.loads(out.read_text()) for out in outs]
    queries = sum(r["queries"] for r in results)
    errors = sum(r["n_errors"] for r in results)
    mixes = sum(r["n_mixes"] for r in results)
    seen = sorted({tuple(s) for r in results for s in r["seen"]})
    fault.observed = f"{queries} reads, {errors} errors, {mixes} mixes, {len(seen)} publications seen"
    assert errors == 0, [r["errors"] for r in results]
    assert mixes == 0, [r["mixes"] for r in results]
    snapshots = small_world["snapshots"]
    allowed = {tuple(snapshots[: i + 1]) for i in range(len(snapshots))}
    assert set(seen) <= allowed and len(seen) >= 3, seen  # each reader saw publications come and go
    assert all(r["queries"] > 0 for r in results)


def _launch(how: str, published: Path, raw: Path, snapshot: str) -> list[str]:
    return zwfw_run(published, raw, snapshot) if how == "zwfw run" else dagster_job(snapshot)


@pytest.mark.parametrize(
    "first, second", [("zwfw run", "zwfw run"), ("zwfw run", "a Dagster job"), ("a Dagster job", "zwfw run")]
)
def test_two_builds_started_at_once(fault, small_world, tmp_path, first, second):
    fault.tried(
        "two builds started at once" + ("" if first == second == "zwfw run" else f": {first}, then {second}"),
        "one runs; the other exits at once naming it",
    )
    published = copy_published(small_world["base"], tmp_path / "wh")
    before = digest(published)
    snapshot = small_world["snapshots"][1]
    home = dagster_home(tmp_path / "dagster", snapshot)
    env = run_env(published, small_world["raw"], DAGSTER_HOME=str(home))
    log = tmp_path / "first.log"  # a file, not a pipe nobody reads while the second runs
    with open(log, "w") as sink:
        running = subprocess.Popen(
            _launch(first, published, small_world["raw"], snapshot), env=env, stdout=sink, stderr=subprocess.STDOUT
        )
    lock = published.with_name(published.name + ".lock")
    deadline = time.monotonic() + 300
    while not (lock.exists() and lock.stat().st_size > 0):  # the first build holds the lock
        assert running.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)
    started = time.monotonic()
    refused = subprocess.run(
        _launch(second, published, small_world["raw"], snapshot), env=env, capture_output=True, text=True
    )
    refused_in = time.monotonic() - started
    said = refused.stdout + refused.stderr
    locked = next((line for line in said.splitlines() if "another build of" in line), "")
    untouched = digest(published) == before  # the first has not published yet; the second did nothing
    running.wait(timeout=1800)
    out = log.read_text()
    fault.observed = (
        f"the second exited {refused.returncode} in {refused_in:.1f} s: "
        f"{locked.strip()[:120]}; the first exited {running.returncode}"
    )
    assert refused.returncode != 0, said[-3000:]
    if second == "zwfw run":
        assert refused.returncode == 2 and refused_in < 30, said[-3000:]
    else:  # a Dagster job fails at its first step, having materialized nothing
        assert "RUN_FAILURE" in said and "STEP_SUCCESS" not in said and refused_in < 120, said[-3000:]
    assert f"is running (pid {running.pid} " in locked and "started" in locked, said[-3000:]
    assert f"launched by {'zwfw run' if first == 'zwfw run' else 'dagster'}" in locked, locked
    assert untouched
    assert running.returncode == 0, out[-3000:]
    assert digest(published) != before and query(
        published, "select max(snapshot_date)::varchar from marts.fct_metrics"
    ) == [(snapshot,)]

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
from fault_world import zwfw_run
from warehouse_helpers import copy_published, run_env

pytestmark = [pytest.mark.faults, pytest.mark.e2e]
READER_LOOP = Path(__file__).with_name("reader_loop.py")


def test_four_readers_while_three_builds_publish(fault, small_world, tmp_path):
    fault.tried("4 readers in a loop while 3 builds publish", "no reader error; old or new set, never a mix")
    published = copy_published(small_world["base"], tmp_path / "wh")
    stop = tmp_path / "stop"
    outs = [tmp_path / f"reader-{i}.json" for i in range(4)]
    readers = [subprocess.Popen([sys.executable, str(READER_LOOP), str(published), str(stop), str(out)])
               for out in outs]
    try:
        time.sleep(1)
        for snapshot in small_world["snapshots"][1:]:
            run = subprocess.run(zwfw_run(published, small_world["raw"], snapshot),
                                 env=run_env(published, small_world["raw"]), capture_output=True, text=True)
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


def test_two_builds_started_at_once(fault, small_world, tmp_path):
    fault.tried("two builds started at once", "one runs; the other exits at once naming it")
    published = copy_published(small_world["base"], tmp_path / "wh")
    snapshot = small_world["snapshots"][1]
    env = run_env(published, small_world["raw"])
    first = subprocess.Popen(zwfw_run(published, small_world["raw"], snapshot), env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lock = published.with_name(published.name + ".lock")
    deadline = time.monotonic() + 120
    while not (lock.exists() and lock.stat().st_size > 0):  # the first build holds the lock
        assert first.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)
    started = time.monotonic()
    second = subprocess.run(zwfw_run(published, small_world["raw"], snapshot), env=env, capture_output=True,
                            text=True)
    refused_in = time.monotonic() - started
    out, err = first.communicate(timeout=1800)
    fault.observed = (f"second exited {second.returncode} in {refused_in:.1f} s: "
                      f"{second.stderr.strip().splitlines()[-1] if second.stderr.strip() else ''}; first exited {first.returncode}")
    assert second.returncode == 2, second.stdout + second.stderr
    assert f"is running (pid {first.pid}" in second.stderr and "started" in second.stderr
    assert refused_in < 30
    assert first.returncode == 0, out[-2000:] + err[-2000:]

"""Benchmark (a script, not a test): the fixed cost of a weekly `zwfw run`, and where it goes.

    .venv/bin/python bench/fixed_cost.py [--repeat 3] [--out DIR]

The e2e sample world (what the end-to-end tests build: `zwfw generate --world sample --scale 0.2`,
a backfill delivered for 2020-12-18, ~10 MB, then a 7-day delta for 2020-12-25, ~4 MB) is small
enough that a run's time is almost all fixed cost: start-up, orchestration, dbt's per-node
overhead, the checks, the reports. The backfill runs once; the weekly run (the delta) runs
`--repeat` times into the same warehouse, as a data engineer re-runs a week, each as its own
process, and the median is reported.

Where the time goes, per step, from the run's Dagster event log (STEP_START to STEP_SUCCESS):
ingestion (all sources), dbt, checks, publication, bulletin, docs, worklists, and the rest of the
wall time (process start-up, loading the definitions, creating the run with its planned events,
the summary). Also dbt's own elapsed time (run_results.json) and the number of Dagster events.

The floor is bench/pipeline.py's, on the same backfill delivery in the same run: one DuckDB pass
that reads the cases and ratings, hashes their personal columns, writes Parquet and computes the
event metrics by department.

The last line is
`weekly run <s> s (median of N), floor <s> s, ratio <r>; backfill <s> s; dbt <s> s; events <n>`.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from pipeline import _size, bench_env, floor  # noqa: E402  the same floor and sizes as the pipeline benchmark

ZWFW = str(Path(sys.executable).with_name("zwfw"))
BACKFILL, WEEK = "2020-12-18", "2020-12-25"
STEPS = (
    ("ingest", lambda k: k.startswith("raw__")),
    ("dbt", lambda k: k == "zwfw_dbt_models"),
    ("checks", lambda k: k == "gx_reconciliation_checks"),
    ("publish", lambda k: k == "published_warehouse"),
    ("bulletin", lambda k: k == "bulletin_report"),
    ("docs", lambda k: k == "dbt_docs_site"),
    ("worklists", lambda k: k == "unit_worklists"),
)


def _run(args: list[str], env: dict[str, str]) -> tuple[float, str]:
    started = time.perf_counter()
    proc = subprocess.run(args, capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        sys.exit(f"{' '.join(args)} failed ({proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return seconds, proc.stdout


def _breakdown(home: Path, stdout: str) -> tuple[dict[str, float], int]:
    """Seconds per step of the run the summary names, and its number of events."""
    import dagster as dg

    run_id = next(
        line.split("dagster run: ", 1)[1].split()[0] for line in stdout.splitlines() if "dagster run: " in line
    )
    with dg.DagsterInstance.from_config(str(home)) as instance:
        records = instance.all_logs(run_id)
    started, spent = {}, defaultdict(float)
    for record in records:
        event = record.dagster_event
        if event is None or not event.step_key:
            continue
        if event.event_type_value == "STEP_START":
            started[event.step_key] = record.timestamp
        elif event.event_type_value in ("STEP_SUCCESS", "STEP_FAILURE") and event.step_key in started:
            name = next((n for n, match in STEPS if match(event.step_key)), event.step_key)
            spent[name] += record.timestamp - started[event.step_key]
    return dict(spent), len(records)


def main() -> None:
    import json

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=3, help="weekly runs to take the median of (default: 3)")
    ap.add_argument("--out", default=None, help="work here (default: a temp dir, deleted after)")
    a = ap.parse_args()
    base = Path(a.out) if a.out else Path(tempfile.mkdtemp(prefix="zwfw-bench-fixed-"))
    base.mkdir(parents=True, exist_ok=True)
    raw, published, home = base / "raw", base / "warehouse" / "zwfw.duckdb", base / "dagster_home"
    env = bench_env(base)
    try:
        shutil.rmtree(published.parent, ignore_errors=True)
        shutil.rmtree(raw, ignore_errors=True)
        for snapshot, extra in ((BACKFILL, []), (WEEK, ["--delta-days", "7"])):
            _run(
                [
                    ZWFW,
                    "generate",
                    "--world",
                    "sample",
                    "--scale",
                    "0.2",
                    "--out",
                    str(raw),
                    "--snapshot",
                    snapshot,
                    *extra,
                ],
                env,
            )
        size = {s: _size(raw / s) / 2**20 for s in (BACKFILL, WEEK)}
        floor_s = floor(raw / BACKFILL, base / "floor")
        shutil.rmtree(base / "floor", ignore_errors=True)
        print(
            f"e2e sample world: backfill {size[BACKFILL]:.1f} MiB delivered, week {size[WEEK]:.1f} MiB; "
            f"floor (bench/pipeline.py's, on the backfill) {floor_s:.2f} s"
        )
        run = [ZWFW, "run", "--raw-dir", str(raw), "--warehouse", str(published), "--snapshot"]
        backfill_s, _ = _run([*run, BACKFILL], env)
        print(f"backfill {BACKFILL}: {backfill_s:.1f} s")
        weeks = []
        for i in range(a.repeat):
            seconds, stdout = _run([*run, WEEK], env)
            steps, events = _breakdown(home, stdout)
            dbt_s = json.loads((published.with_name(published.name + ".dbt") / "run_results.json").read_text())[
                "elapsed_time"
            ]
            rest = seconds - sum(steps.values())
            shown = ", ".join(f"{name} {steps.get(name, 0):.1f}" for name, _ in STEPS)
            print(
                f"week {WEEK} #{i + 1}: {seconds:.1f} s = {shown}, start-up and orchestration {rest:.1f} "
                f"(dbt's own elapsed {dbt_s:.1f} s; {events} Dagster events)"
            )
            weeks.append((seconds, dbt_s, events))
        median = statistics.median(w[0] for w in weeks)
        dbt_median = statistics.median(w[1] for w in weeks)
        print(
            f"weekly run {median:.1f} s (median of {len(weeks)}), floor {floor_s:.2f} s, ratio {median / floor_s:.1f}; "
            f"backfill {backfill_s:.1f} s; dbt {dbt_median:.1f} s; events {weeks[-1][2]}"
        )
    finally:
        if not a.out:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()

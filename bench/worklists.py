"""What the worklists cost: their share of `zwfw run` on the sample, and `zwfw explain`'s answer time.

    .venv/bin/python bench/worklists.py [--raw-dir raw] [--snapshot 2020-12-25] [--out /tmp/bench-worklists]

Runs `zwfw run` on the sample delivery into a fresh warehouse; the worklists' cost is the
`unit_worklists` step (from the run's progress lines) plus the dbt nodes that exist only for them
(int_worklist_*, fct_worklist and their tests, from dbt's run_results.json). Then times `zwfw explain`
as a user runs it (a new process), against a floor measured in the same run: a new process that
opens the published file read-only and reads one row of fct_metrics. Last line:
`worklists <s> s of run <s> s (<p> %); explain <s> s, floor <s> s, ratio <r>`.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
FLOOR = (
    "import duckdb, sys; c = duckdb.connect(sys.argv[1], read_only=True); "
    "c.execute('select * from marts.fct_metrics limit 1').fetchall(); c.close()"
)


def _timed(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, subprocess.CompletedProcess]:
    started = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    return time.perf_counter() - started, proc


def _median(cmd: list[str], n: int = 5) -> float:
    return statistics.median(_timed(cmd)[0] for _ in range(n))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--raw-dir", default=str(REPO / "raw"))
    ap.add_argument("--snapshot", default="2020-12-25")
    ap.add_argument("--out", default="/tmp/bench-worklists")
    args = ap.parse_args()
    out = Path(args.out)
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    warehouse = out / "zwfw.duckdb"
    env = {**os.environ, "DAGSTER_HOME": str(out / "dagster_home"), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    if not env.get("ZWFW_PII_KEY"):
        env["ZWFW_DEVELOPMENT_KEY"] = "1"  # the sample's generated data
    (out / "dagster_home").mkdir()  # `zwfw run` writes its settings (dagster_project/instance.py)
    if not (Path(args.raw_dir) / args.snapshot).is_dir():
        _timed([str(BIN / "zwfw"), "generate", "--out", args.raw_dir, "--snapshot", args.snapshot], env)

    started = time.time()
    run_seconds, run = _timed(
        [
            str(BIN / "zwfw"),
            "run",
            "--raw-dir",
            args.raw_dir,
            "--snapshot",
            args.snapshot,
            "--warehouse",
            str(warehouse),
        ],
        env,
    )
    step = re.search(r"worklists done in ([0-9.]+)s", run.stdout + run.stderr)
    step_seconds = float(step.group(1)) if step else float("nan")
    results = [p for p in (REPO / "dbt" / "target").glob("*/run_results.json") if p.stat().st_mtime >= started]
    dbt_seconds = 0.0
    for path in results:
        for node in json.loads(path.read_text())["results"]:
            if "worklist" in node["unique_id"]:
                dbt_seconds += node["execution_time"]
    worklists = step_seconds + dbt_seconds
    print(
        f"zwfw run {run_seconds:.1f} s: unit_worklists step {step_seconds:.1f} s, "
        f"worklist dbt nodes {dbt_seconds:.1f} s (summed thread time)"
    )

    unit = "410100"
    explain = _median([str(BIN / "zwfw"), "explain", "--warehouse", str(warehouse), "--table", "8", "--unit", unit])
    floor = _median([sys.executable, "-c", FLOOR, str(warehouse)])
    print(
        f"zwfw explain --table 8 --unit {unit}: median of 5 {explain:.2f} s; floor (new process, open, "
        f"one row) {floor:.2f} s"
    )
    print(
        f"worklists {worklists:.1f} s of run {run_seconds:.1f} s ({100 * worklists / run_seconds:.1f} %); "
        f"explain {explain:.2f} s, floor {floor:.2f} s, ratio {explain / floor:.2f}"
    )


if __name__ == "__main__":
    main()

"""Benchmark (a script, not a test): many weeks in a row, and whether a week's cost grows with history.

    .venv/bin/python bench/replay.py --scale 0.1 --weeks 12 [--start 2020-11-06] [--out DIR]

Generates the calibrated world's backfill for `--start` (the year so far), then `--weeks` weekly
deliveries (`zwfw generate --delta-days 7`, one for each Friday after it), and runs them in order
into one warehouse and lake, each `zwfw run` as its own process, as a data engineer runs the
weeks. It prints each week's wall time beside its delivery.

A week's cost should grow with the week's delivery, not with the weeks before it (#30): the
slope is the least-squares growth of a week's wall time per week of history, and a January
week, once year-to-date restarts, should cost no more than a December one.

The floor for a week, measured in the same run on each week's delivery: one DuckDB pass that
reads the week's cases and ratings as delivered, hashes their personal columns, writes them as
Parquet, merges the cases into a case state kept between weeks (the newest `updated_at` wins)
and computes the event metrics by department. The median over the weeks is reported.

The last line is
`weeks N, backfill <s> s, median week <s> s, last week <s> s, slope <s>/week, floor week <s> s`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from pipeline import _size, _step, bench_env, hashed_parquet, parquet_list  # noqa: E402  the pipeline benchmark's pieces

ZWFW = str(Path(sys.executable).with_name("zwfw"))


def week_floor(delivery: Path, state: Path, out: Path) -> float:
    """Seconds for the floor of one week (module docstring); `state` is the case state file,
    created by the first call and replaced by each."""
    import duckdb

    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    con = duckdb.connect()
    try:
        con.execute(f"set temp_directory = '{out / 'spill'}'")
        week = parquet_list(hashed_parquet(con, delivery, "cases", out))
        evals = parquet_list(hashed_parquet(con, delivery, "evaluations", out))
        previous = f"union all by name select * from read_parquet('{state}')" if state.exists() else ""
        merged = out / "case-state.parquet"
        con.execute(
            f"copy (select * from (select *, updated_at::varchar as _v from {week} {previous}) "
            f"qualify row_number() over (partition by case_id order by _v desc) = 1) "
            f"to '{merged}' (format parquet, compression zstd)"
        )
        con.execute(f"""create table by_dept as
            with c as (select dept_id, count(*) as cases, count(*) filter (where channel = 'online') as online
                       from read_parquet('{merged}') group by dept_id),
                 e as (select dept_id, count(*) as evals, count(*) filter (where rating::int <= 2) as bad
                       from {evals} group by dept_id)
            select * from c full join e using (dept_id)""")
    finally:
        con.close()
    os.replace(out / "case-state.parquet", state)
    return time.perf_counter() - started


def _slope(ys: list[float]) -> float:
    """Least-squares growth of y per step (0 for fewer than two points)."""
    n = len(ys)
    if n < 2:
        return 0.0
    mx, my = (n - 1) / 2, statistics.fmean(ys)
    return sum((x - mx) * (y - my) for x, y in enumerate(ys)) / sum((x - mx) ** 2 for x in range(n))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=float, default=0.01, help="calibrated world scale, (0, 1] (default: 0.01)")
    ap.add_argument("--weeks", type=int, default=4, help="weekly deliveries after the backfill (default: 4)")
    ap.add_argument(
        "--start", type=dt.date.fromisoformat, default=dt.date(2020, 11, 6), help="the backfill's snapshot (a Friday)"
    )
    ap.add_argument("--out", default=None, help="work here (default: a temp dir, deleted after)")
    a = ap.parse_args()
    base = Path(a.out) if a.out else Path(tempfile.mkdtemp(prefix="zwfw-bench-replay-"))
    base.mkdir(parents=True, exist_ok=True)
    raw, published = base / "raw", base / "warehouse" / "zwfw.duckdb"
    env = bench_env(base)
    snapshots = [a.start + dt.timedelta(days=7 * i) for i in range(a.weeks + 1)]
    try:
        for folder in (raw, published.parent, base / "floor"):
            shutil.rmtree(folder, ignore_errors=True)
        print(f"scale {a.scale:g}, backfill {snapshots[0]}, {a.weeks} weeks to {snapshots[-1]}, work dir {base}")
        for i, snapshot in enumerate(snapshots):
            delta = ["--delta-days", "7"] if i else []
            gen = [ZWFW, "generate", "--out", str(raw), "--snapshot", str(snapshot), "--scale", str(a.scale), *delta]
            _step(gen, base, env)
        run = [ZWFW, "run", "--raw-dir", str(raw), "--warehouse", str(published), "--snapshot"]
        state = base / "floor-case-state.parquet"
        backfill = _step([*run, str(snapshots[0])], base, env)
        week_floor(raw / str(snapshots[0]), state, base / "floor")  # the floor's state starts from the backfill
        print(f"backfill {snapshots[0]}: {backfill.seconds:.1f} s, {_size(raw / str(snapshots[0])) / 2**20:.1f} MiB")
        weeks, floors = [], []
        for snapshot in snapshots[1:]:
            step = _step([*run, str(snapshot)], base, env)
            floors.append(week_floor(raw / str(snapshot), state, base / "floor"))
            weeks.append(step.seconds)
            print(
                f"week {snapshot}: {step.seconds:.1f} s, {_size(raw / str(snapshot)) / 2**20:.1f} MiB delivered, "
                f"peak RSS {step.peak_gib:.2f} GiB; floor {floors[-1]:.2f} s"
            )
        print(
            f"weeks {len(weeks)}, backfill {backfill.seconds:.1f} s, median week {statistics.median(weeks):.1f} s, "
            f"last week {weeks[-1]:.1f} s, slope {_slope(weeks):.2f} s/week, "
            f"floor week {statistics.median(floors):.2f} s"
        )
    finally:
        if not a.out:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()

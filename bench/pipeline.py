"""Benchmark (a script, not a test): the weekly pipeline on the calibrated world, against a floor.

    .venv/bin/python bench/pipeline.py --scale 0.01 [--engine spark] [--out DIR]

Generates the calibrated world at `--scale`: a backfill delivered for 2020-12-18 (the year so
far), then a 7-day delta for 2020-12-25. Runs `zwfw run` on both into one warehouse and lake,
each as its own process, and prints for each: wall time, peak RSS (the run and its dbt), peak
extra disk used on the file system (spill included), lake size and published-file size.

The floor, on the same backfill delivery in the same run: one DuckDB pass that reads the cases
and ratings as delivered, hashes their personal columns, writes them as Parquet, then computes
the event metrics by department from that Parquet. Any pipeline must at least do this; the
ratio says what validation, rejects, the as-of merge, every table's formulas, the tests, the
checks and publication cost on top of it.

`--engine spark` builds the dbt models on Apache Spark (a local session, docs/SPARK.md) instead
of DuckDB; everything else, the floor included, is the same, so the two engines' lines compare.

The last line is
`backfill <s> s, floor <s> s, ratio <r>; delta <s> s; peak <GiB> GiB; published <MiB> MiB`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ZWFW = str(Path(sys.executable).with_name("zwfw"))
BACKFILL, DELTA = "2020-12-18", "2020-12-25"


def _size(path: Path) -> int:
    if not path.exists():
        return 0
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.is_dir() else path.stat().st_size


class DiskPeak:
    """Peak bytes used on `path`'s file system above what was used when it started (sampled)."""

    def __init__(self, path: Path, interval: float = 0.5):
        self.path, self.interval = path, interval
        self.base = shutil.disk_usage(path).used
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, shutil.disk_usage(self.path).used - self.base)
            self._stop.wait(self.interval)

    def __enter__(self) -> DiskPeak:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, shutil.disk_usage(self.path).used - self.base)


@dataclass
class Step:
    seconds: float
    peak_gib: float
    disk_gib: float
    stdout: str


def bench_env(base: Path) -> dict[str, str]:
    """The environment of a benchmark's `zwfw` processes: telemetry off, a Dagster instance of its
    own under `base`, a key, and no location of this shell's own warehouse inherited."""
    home = base / "dagster_home"
    home.mkdir(parents=True, exist_ok=True)  # `zwfw run` writes its settings (dagster_project/instance.py)
    env = {
        **os.environ,
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DAGSTER_DISABLE_TELEMETRY": "1",
        "DAGSTER_HOME": str(home),
        "ZWFW_PII_KEY": os.environ.get("ZWFW_PII_KEY") or "bench-key-not-secret",
    }
    for key in ("ZWFW_WAREHOUSE", "ZWFW_LAKE", "ZWFW_RAW_DIR", "ZWFW_REPORT_DIR", "ZWFW_DEVELOPMENT_KEY"):
        env.pop(key, None)
    return env


def _step(args: list[str], work: Path, env: dict[str, str] | None = None) -> Step:
    """Run one process; its own peak RSS (with the children it waited for: dbt) from wait4."""
    with DiskPeak(work) as disk:
        started = time.perf_counter()
        with tempfile.TemporaryFile("w+") as out:
            proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, text=True, env=env)
            _, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = os.waitstatus_to_exitcode(status)
            seconds = time.perf_counter() - started
            out.seek(0)
            text = out.read()
    if proc.returncode != 0:
        sys.exit(f"{' '.join(args)} failed ({proc.returncode}):\n{text[-4000:]}")
    return Step(seconds, usage.ru_maxrss / 1024**2, disk.peak / 1024**3, text)


def hashed_parquet(con, snapshot_dir: Path, source: str, out: Path) -> list[Path]:
    """One source's files as delivered (CSV and Parquet), their personal columns hashed, written
    as Parquet into `out`: the least any ingestion does."""
    from zwfw_contract.sources import get_source

    pii = [c.name for c in get_source(source).columns if c.pii]
    replace = ", ".join(f"sha256(coalesce({c}::varchar, '')) as {c}" for c in pii)
    folder, written = snapshot_dir / source, []
    for kind, reader in (
        ("csv", "read_csv('{}', header = true, all_varchar = true)"),
        ("parquet", "read_parquet('{}')"),
    ):
        if not sorted(folder.glob(f"*.{kind}")):
            continue
        target = out / f"{source}-{kind}.parquet"
        con.execute(
            f"copy (select * replace ({replace}) from {reader.format(str(folder / ('*.' + kind)))}) "
            f"to '{target}' (format parquet, compression zstd)"
        )
        written.append(target)
    return written


def parquet_list(files: list[Path]) -> str:
    return "read_parquet([{}], union_by_name = true)".format(", ".join(f"'{f}'" for f in files))


def floor(snapshot_dir: Path, out: Path) -> float:
    """Read cases and ratings as delivered, hash the personal columns, write Parquet, then the
    event metrics by department: seconds."""
    import duckdb

    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    con = duckdb.connect()
    con.execute(f"set temp_directory = '{out / 'spill'}'")
    cases = parquet_list(hashed_parquet(con, snapshot_dir, "cases", out))
    evals = parquet_list(hashed_parquet(con, snapshot_dir, "evaluations", out))
    con.execute(f"""create table by_dept as
        with c as (select dept_id, count(*) as cases, count(*) filter (where channel = 'online') as online
                   from {cases} group by dept_id),
             e as (select dept_id, count(*) as evals, count(*) filter (where rating::int <= 2) as bad
                   from {evals} group by dept_id)
        select * from c full join e using (dept_id)""")
    con.close()
    return time.perf_counter() - started


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=float, default=0.01, help="calibrated world scale, (0, 1] (default: 0.01)")
    ap.add_argument(
        "--engine",
        choices=("duckdb", "spark"),
        default="duckdb",
        help="where `zwfw run` builds the dbt models (default: duckdb)",
    )
    ap.add_argument("--out", default=None, help="work here (default: a temp dir, deleted after)")
    ap.add_argument(
        "--reuse-raw",
        action="store_true",
        help="keep the world already generated in --out/raw (a full province takes ~20 min to generate)",
    )
    a = ap.parse_args()
    base = Path(a.out) if a.out else Path(tempfile.mkdtemp(prefix="zwfw-bench-pipeline-"))
    base.mkdir(parents=True, exist_ok=True)
    raw, published = base / "raw", base / "warehouse" / "zwfw.duckdb"
    env = bench_env(base)
    try:
        print(f"scale {a.scale:g}, engine {a.engine}, work dir {base}")
        shutil.rmtree(published.parent, ignore_errors=True)  # the backfill starts from nothing
        marker = base / "raw-scale.txt"  # the scale the world in raw/ was generated at
        if a.reuse_raw and marker.exists() and marker.read_text().strip() == f"{a.scale:g}":
            print(f"generate: reused {raw} ({_size(raw / BACKFILL) / 2**30:.2f} GiB delivered for the backfill)")
        else:
            shutil.rmtree(raw, ignore_errors=True)
            gen = _step(
                [ZWFW, "generate", "--out", str(raw), "--snapshot", BACKFILL, "--scale", str(a.scale)], base, env
            )
            gen2 = _step(
                [
                    ZWFW,
                    "generate",
                    "--out",
                    str(raw),
                    "--snapshot",
                    DELTA,
                    "--scale",
                    str(a.scale),
                    "--delta-days",
                    "7",
                ],
                base,
                env,
            )
            marker.write_text(f"{a.scale:g}\n")
            print(
                f"generate: backfill {gen.seconds:.1f} s ({_size(raw / BACKFILL) / 2**30:.2f} GiB delivered), "
                f"delta {gen2.seconds:.1f} s ({_size(raw / DELTA) / 2**20:.0f} MiB delivered)"
            )
        delivery = _size(raw / BACKFILL)
        floor_s = floor(raw / BACKFILL, base / "floor")
        shutil.rmtree(base / "floor", ignore_errors=True)
        print(f"floor (read cases + ratings, hash PII, write Parquet, metrics by department): {floor_s:.1f} s")
        runs = {}
        for snapshot in (BACKFILL, DELTA):
            step = _step(
                [
                    ZWFW,
                    "run",
                    "--engine",
                    a.engine,
                    "--raw-dir",
                    str(raw),
                    "--snapshot",
                    snapshot,
                    "--warehouse",
                    str(published),
                ],
                base,
                env,
            )
            runs[snapshot] = step
            if snapshot == BACKFILL:
                print(next((line.strip() for line in step.stdout.splitlines() if "engine:" in line), "engine: ?"))
            print(
                f"run {snapshot}: {step.seconds:.1f} s, peak RSS {step.peak_gib:.2f} GiB, peak extra disk "
                f"{step.disk_gib:.2f} GiB, lake {_size(published.parent / 'lake') / 2**30:.2f} GiB, "
                f"published {_size(published) / 2**20:.1f} MiB"
            )
        back, delta = runs[BACKFILL], runs[DELTA]
        peak = max(back.peak_gib, delta.peak_gib)
        print(
            f"peak extra disk {max(back.disk_gib, delta.disk_gib):.2f} GiB = "
            f"{max(back.disk_gib, delta.disk_gib) * 2**30 / max(delivery, 1):.2f} x the backfill delivery"
        )
        print(
            f"backfill {back.seconds:.1f} s, floor {floor_s:.1f} s, ratio {back.seconds / floor_s:.2f}; "
            f"delta {delta.seconds:.1f} s; peak {peak:.2f} GiB; published {_size(published) / 2**20:.1f} MiB"
        )
    finally:
        if not a.out:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()

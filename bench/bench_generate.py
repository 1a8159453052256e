"""Benchmark (a script, not a test): generate the calibrated world at a scale and run it.

    .venv/bin/python bench/bench_generate.py --scale 0.01 [--run] [--out DIR]

Prints rows generated per source, seconds, peak memory and bytes written of `zwfw generate`,
and with --run the same for `zwfw run` on it (warehouse size included). Each step runs as its
own process so that its peak memory is its own. The floor, in the same run, is DuckDB writing
as many rows of as many bytes as CSV: what writing the delivery costs before any modelling.
The last line is `generate <s> s, floor <s> s, ratio <r>; <rows> rows`.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ZWFW = str(Path(sys.executable).with_name("zwfw"))


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.is_dir() else path.stat().st_size


def _timed(args: list[str]) -> tuple[float, float, str]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    proc = subprocess.run(args, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        sys.exit(f"{' '.join(args)} failed ({proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB, max over children so far
    return seconds, max(peak, before) / 1024**2, proc.stdout


def _floor(rows: int, nbytes: int, out: Path) -> float:
    """Seconds for DuckDB to write `rows` CSV rows of about `nbytes` bytes in all."""
    import duckdb

    width = max(1, nbytes // max(rows, 1))
    started = time.perf_counter()
    con = duckdb.connect()
    con.execute(
        f"copy (select i, repeat(chr(97 + (i % 26)::int), {width}) as payload from range({rows}) t(i)) "
        f"to '{out}' (format csv)"
    )
    con.close()
    return time.perf_counter() - started


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=float, default=0.01)
    ap.add_argument("--snapshot", default="2020-12-25")
    ap.add_argument("--run", action="store_true", help="also run the pipeline on it")
    ap.add_argument("--out", default=None, help="keep the data here (default: a temp dir)")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="zwfw-bench-") as tmp:
        root = Path(a.out or tmp)
        raw, wh = root / "raw", root / "wh" / "zwfw.duckdb"
        s, gb, out = _timed([ZWFW, "generate", "--out", str(raw), "--snapshot", a.snapshot, "--scale", str(a.scale)])
        print(out.strip())
        print(f"generate: scale {a.scale:g}: {s:.1f} s, peak {gb:.2f} GiB, {_size(raw) / 1e9:.2f} GB written")
        rows = sum(
            int(line.split()[-1]) for line in out.splitlines()[1:] if line.split()[-1:] and line.split()[-1].isdigit()
        )
        generated = s
        if a.run:
            s, gb, out = _timed([ZWFW, "run", "--raw-dir", str(raw), "--snapshot", a.snapshot, "--warehouse", str(wh)])
            print("\n".join(line for line in out.splitlines() if not line.startswith(("INFO", "WARNING"))))
            print(f"run: {s:.1f} s, peak {gb:.2f} GiB (max over both steps), warehouse {_size(wh) / 1e9:.2f} GB")
        base = _floor(rows, _size(raw), root / "floor.csv")
        print(f"generate {generated:.1f} s, floor {base:.1f} s, ratio {generated / base:.2f}; {rows:,} rows")


if __name__ == "__main__":
    main()

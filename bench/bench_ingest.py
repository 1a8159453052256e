"""Benchmark (a script, not a test): ingest a synthetic weekly `cases` delivery, against a floor.

    .venv/bin/python bench/bench_ingest.py --rows 2000000

Writes a CSV of the given size (11 columns, three of them PII, ~0.1% bad rows) into a temp
dir, loads `departments` then `cases` into a fresh lake and prints the rate. The floor, on
the same file in the same run, is one DuckDB pass that reads the CSV, hashes the three personal
columns and writes the rows out: what any ingestion must at least do. The last line is
`ingest <s> s, floor <s> s, ratio <r>; <rows/s> rows/s`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path

import duckdb

from dagster_project.ingest.load import ingest_source

SNAPSHOT = dt.date(2020, 12, 25)
HEADER = (
    "case_id,item_code,dept_id,channel,accepted_at,completed_at,qc_passed,"
    "applicant_id,applicant_name,applicant_phone,updated_at\n"
)
CHANNELS = ("online", "mobile", "window", "kiosk", "other")
DEPTS = 300


def write_delivery(raw: Path, rows: int) -> Path:
    day = raw / SNAPSHOT.isoformat()
    day.mkdir(parents=True)
    with open(day / "departments.csv", "w", encoding="utf-8") as f:
        f.write("dept_id,dept_name,region_code,uscc,is_tax\n")
        for d in range(DEPTS):
            f.write(f"D{d:04d},部门{d},410100,,否\n")
    path = day / "cases.csv"
    with open(path, "w", encoding="utf-8") as f:
        f.write(HEADER)
        for i in range(rows):
            bad = i % 1000 == 999
            channel = "fax" if bad else CHANNELS[i % 5]
            completed = "" if i % 3 == 0 else f"2020-12-{1 + i % 25:02d} 16:{i % 60:02d}:00"
            f.write(
                f"C{i:010d},ITEM{i % 5000:05d},D{i % DEPTS:04d},{channel},"
                f"2020-{1 + i % 12:02d}-{1 + i % 28:02d} 09:{i % 60:02d}:00,{completed},{i % 2},"
                f"4101{i:014d},张{i % 977}{i % 13},138{i % 100000000:08d},2020-12-25 12:00:00\n"
            )
    return path


def floor(path: Path, out: Path) -> float:
    """Seconds of one DuckDB pass: read the CSV, hash the personal columns, write Parquet."""
    started = time.perf_counter()
    con = duckdb.connect()
    con.execute(f"""
        copy (select * replace (sha256(applicant_id) as applicant_id, sha256(applicant_name) as applicant_name,
                                sha256(applicant_phone) as applicant_phone)
              from read_csv('{path}', header = true, all_varchar = true))
        to '{out}' (format parquet)""")
    con.close()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="zwfw-bench-") as tmp:
        raw = Path(tmp) / "raw"
        t0 = time.perf_counter()
        path = write_delivery(raw, args.rows)
        size_mb = path.stat().st_size / 1e6
        print(f"generated {args.rows:,} rows ({size_mb:,.0f} MB) in {time.perf_counter() - t0:.1f} s")
        lake = Path(tmp) / "lake"
        ingest_source("departments", raw, SNAPSHOT, lake, "bench-key")
        t0 = time.perf_counter()
        result = ingest_source("cases", raw, SNAPSHOT, lake, "bench-key")
        elapsed = time.perf_counter() - t0
        print(
            f"cases: read {result.rows_read:,}, loaded {result.rows_loaded:,}, "
            f"rejected {result.rows_rejected:,} in {elapsed:.1f} s "
            f"= {result.rows_read / elapsed:,.0f} rows/s ({size_mb / elapsed:,.0f} MB/s)"
        )
        base = floor(path, Path(tmp) / "floor.parquet")
        print(
            f"ingest {elapsed:.1f} s, floor {base:.1f} s, ratio {elapsed / base:.2f}; "
            f"{result.rows_read / elapsed:,.0f} rows/s"
        )


if __name__ == "__main__":
    main()

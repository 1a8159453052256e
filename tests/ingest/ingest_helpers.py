"""Helpers for the ingestion tests: write small deliveries, read the lake back."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb

from dagster_project import lake as lake_layout
from dagster_project.ingest.load import LoadResult, ingest_source
from zwfw_contract.sources import SOURCES

SNAPSHOT = dt.date(2020, 12, 25)
KEY = "test-pii-key"

DEPARTMENTS_HEADER = ["dept_id", "dept_name", "region_code", "uscc", "is_tax"]
DEPARTMENTS = [
    ["D1", "河南省自然资源厅", "410000", "", "否"],
    ["D2", "郑州市税务局", "410100", "", "是"],
    ["D3", "郑州市市场监督管理局", "410100", "", "0"],
]
CASES_HEADER = [
    "case_id",
    "item_code",
    "dept_id",
    "channel",
    "accepted_at",
    "completed_at",
    "qc_passed",
    "applicant_id",
    "applicant_name",
    "applicant_phone",
    "updated_at",
]


def case_row(case_id: str = "C1", **overrides: str) -> list[str]:
    """A valid cases row; keyword arguments replace single fields."""
    row = dict(
        case_id=case_id,
        item_code="I1",
        dept_id="D1",
        channel="online",
        accepted_at="2020-12-01 09:00:00",
        completed_at="",
        qc_passed="1",
        applicant_id="410101199001010011",
        applicant_name="王小明",
        applicant_phone="13800001234",
        updated_at="2020-12-01 09:00:00",
    )
    row.update(overrides)
    return [row[c] for c in CASES_HEADER]


def csv_text(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    def cell(v: Any) -> str:
        s = "" if v is None else str(v)
        if any(ch in s for ch in ',"\n\r'):
            s = '"' + s.replace('"', '""') + '"'
        return s

    return "".join(",".join(cell(v) for v in row) + "\n" for row in [header, *rows])


class Delivery:
    """Writes files under raw/<date>/ and runs ingestion into one lake."""

    def __init__(self, root: Path):
        self.raw = root / "raw"
        self.lake = root / "lake"

    def path(self, name: str, date: dt.date = SNAPSHOT) -> Path:
        p = self.raw / date.isoformat() / name
        p.parent.mkdir(parents=True, exist_ok=True)
        return p

    def csv(
        self, name: str, header, rows, *, date: dt.date = SNAPSHOT, encoding: str = "utf-8", bom: bool = False
    ) -> Path:
        p = self.path(name, date)
        data = csv_text(header, rows).encode(encoding)
        p.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
        return p

    def bytes(self, name: str, data: bytes, *, date: dt.date = SNAPSHOT) -> Path:
        p = self.path(name, date)
        p.write_bytes(data)
        return p

    def departments(self, date: dt.date = SNAPSHOT, rows=None) -> LoadResult:
        self.csv("departments.csv", DEPARTMENTS_HEADER, DEPARTMENTS if rows is None else rows, date=date)
        return self.ingest("departments", date)

    def ingest(self, source: str, date: dt.date = SNAPSHOT, key: str = KEY, **limits) -> LoadResult:
        """`limits`: ingest_source's memory_limit and chunk_bytes (the settings' by default)."""
        return ingest_source(source, self.raw, date, self.lake, key, **limits)

    def query(self, sql: str, params=None) -> list[tuple]:
        """`sql` over `raw.<source>`, `raw.rejects` and `raw.load_files`: views over the lake."""
        con = duckdb.connect()
        try:
            con.execute("create schema raw")
            globs = {s.name: lake_layout.data_glob(self.lake, s.name) for s in SOURCES}
            globs |= {t: lake_layout.meta_glob(self.lake, f"{t}.parquet") for t in ("rejects", "load_files")}
            for table, files in globs.items():
                if any(Path("/").glob(files.lstrip("/"))):
                    con.execute(
                        f"create view raw.{table} as select snapshot_date, * exclude (snapshot_date) "
                        f"from read_parquet('{files}', hive_partitioning = true, union_by_name = true)"
                    )
            return con.execute(sql, params).fetchall()
        finally:
            con.close()

    def rejects(self, source: str) -> list[tuple]:
        """(file, line, column_name, reason) of a source's rejects, in file order."""
        return self.query(
            "SELECT file, line, column_name, reason FROM raw.rejects WHERE source = ? ORDER BY file, line",
            [source],
        )


def assert_counts_add_up(result: LoadResult) -> None:
    for f in result.files:
        assert f.rows_read == f.rows_loaded + f.rows_rejected, f

"""Whole loads: personal data, counts, idempotence, atomicity and the lake's partitions."""

from __future__ import annotations

import datetime as dt
import os
import tempfile

import duckdb
import pytest
from ingest_helpers import CASES_HEADER, KEY, SNAPSHOT, assert_counts_add_up, case_row

from dagster_project.ingest.errors import IngestError
from dagster_project.ingest.load import FileCount, LoadResult
from dagster_project.ingest.pii import pseudonymise
from zwfw_contract.sources import get_source

# Long, unique values so a byte scan cannot match by accident.
NAME = "欧阳明远测试姓名"
ID_NUMBER = "41010119900307123X"
PHONE = "13912345678"
MARKER = "ITEM-NOT-PERSONAL-0001"  # a non-personal value, to show the scan sees plain text


def _lake_bytes(d) -> bytes:
    """Every byte of every file in the lake, and (Parquet pages are compressed) every value decoded."""
    data = b""
    con = duckdb.connect()
    for path in sorted(p for p in d.lake.rglob("*") if p.is_file()):
        data += path.read_bytes()
        rows = con.execute("SELECT * FROM read_parquet(?)", [str(path)]).fetchall()
        data += repr(rows).encode("utf-8") + "".join(str(v) for r in rows for v in r).encode("utf-8")
    con.close()
    return data


def test_personal_data_never_reaches_the_lake(with_departments):
    d = with_departments
    d.csv(
        "cases.csv",
        CASES_HEADER,
        [
            case_row(
                "C1",
                item_code=MARKER,
                applicant_id=ID_NUMBER,
                applicant_name=NAME,
                applicant_phone="１３９１２３４５６７８",
            ),  # full-width digits normalise before hashing
            case_row(
                "C2",
                item_code=MARKER,
                applicant_id=ID_NUMBER,
                applicant_name=f" {NAME} ",
                applicant_phone=PHONE,
                channel="fax",
            ),  # rejected: its raw values go to rejects
            case_row("C3", applicant_id="", applicant_name="", applicant_phone=""),
        ],
    )
    d.ingest("cases")
    assert d.query("SELECT applicant_id, applicant_name, applicant_phone FROM raw.cases ORDER BY case_id") == [
        (pseudonymise(ID_NUMBER, KEY), pseudonymise(NAME, KEY), pseudonymise(PHONE, KEY)),
        (None, None, None),
    ]
    (raw_values,) = d.query("SELECT raw_values FROM raw.rejects WHERE source = 'cases'")[0]
    assert pseudonymise(NAME, KEY) in raw_values and NAME not in raw_values
    data = _lake_bytes(d)
    assert MARKER.encode() in data  # the scan does see plain text
    for secret in (NAME, ID_NUMBER, PHONE, KEY):
        for enc in ("utf-8", "utf-16-le", "gb18030"):
            assert secret.encode(enc) not in data, (secret, enc)


def test_counts_add_up_per_file_and_are_recorded(with_departments):
    d = with_departments
    d.csv("cases/a.csv", CASES_HEADER, [case_row("C1"), case_row("C2", channel="fax")])
    d.bytes("cases/b.csv", (",".join(CASES_HEADER) + "\n" + "C3,x\n" + ",".join(case_row("C4")) + "\n").encode())
    result = d.ingest("cases")
    assert_counts_add_up(result)
    assert result == LoadResult(
        "cases",
        SNAPSHOT,
        False,
        [
            FileCount("2020-12-25/cases/a.csv", "csv", "utf-8", 2, 1, 1),
            FileCount("2020-12-25/cases/b.csv", "csv", "utf-8", 2, 1, 1),
        ],
    )
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (4, 2, 2)
    assert d.query(
        "SELECT file, format, encoding, rows_read, rows_loaded, rows_rejected FROM raw.load_files "
        "WHERE source = 'cases' ORDER BY file"
    ) == [("2020-12-25/cases/a.csv", "csv", "utf-8", 2, 1, 1), ("2020-12-25/cases/b.csv", "csv", "utf-8", 2, 1, 1)]
    assert d.query("SELECT count(*) FROM raw.load_files WHERE rows_read <> rows_loaded + rows_rejected") == [(0,)]


def _snapshot(d, source):
    return {
        "rows": d.query(f"SELECT * EXCLUDE (_line), _line FROM raw.{source} ORDER BY ALL"),
        "rejects": d.query("SELECT * EXCLUDE (loaded_at) FROM raw.rejects ORDER BY ALL"),
        "files": d.query("SELECT * EXCLUDE (loaded_at) FROM raw.load_files ORDER BY ALL"),
    }


def test_rerunning_a_snapshot_is_idempotent(with_departments):
    d = with_departments
    d.csv("cases.csv", CASES_HEADER, [case_row("C1"), case_row("C2", channel="fax"), case_row("C1")])
    d.ingest("cases")
    first = _snapshot(d, "cases")
    d.ingest("cases")
    d.departments()  # re-loading departments does not touch cases either
    assert _snapshot(d, "cases") == first
    assert len(first["rows"]) == 2 and len(first["rejects"]) == 1


def test_reload_replaces_only_that_snapshot_and_source(with_departments):
    d = with_departments
    other = dt.date(2020, 12, 18)
    d.departments(other)
    d.csv("cases.csv", CASES_HEADER, [case_row("OLD")], date=other)
    d.ingest("cases", other)
    d.csv("cases.csv", CASES_HEADER, [case_row("C1"), case_row("C2")])
    d.ingest("cases")
    d.csv("cases.csv", CASES_HEADER, [case_row("C9")])  # a corrected re-delivery
    d.ingest("cases")
    assert d.query("SELECT snapshot_date, case_id FROM raw.cases ORDER BY 1, 2") == [(other, "OLD"), (SNAPSHOT, "C9")]
    assert d.query("SELECT count(*) FROM raw.departments") == [(6,)]


def test_failing_file_leaves_previous_rows_untouched(with_departments):
    d = with_departments
    d.csv("cases/a.csv", CASES_HEADER, [case_row("C1"), case_row("C2", channel="fax")])
    d.ingest("cases")
    before = _snapshot(d, "cases")
    d.csv("cases/a.csv", CASES_HEADER, [case_row("C5")])
    d.bytes("cases/b.csv", b"case_id,dept_id\nC6,D1\n")  # required columns missing
    with pytest.raises(IngestError, match="cases/b.csv: missing required columns"):
        d.ingest("cases")
    assert _snapshot(d, "cases") == before


def test_failure_inside_the_write_leaves_the_partition_as_it_was(with_departments, monkeypatch):
    d = with_departments
    d.csv("cases.csv", CASES_HEADER, [case_row("C1")])
    d.ingest("cases")
    before = _snapshot(d, "cases")
    d.csv("cases.csv", CASES_HEADER, [case_row("C2")])
    from dagster_project.ingest import load

    real, calls = load._copy, []

    def breaks_on_the_last_file(con, select, path):
        calls.append(path)
        if path.name == "load_files.parquet":
            raise RuntimeError("disk full")
        real(con, select, path)

    # Fails after the rows and the rejects of the new partition were written, before the rename.
    monkeypatch.setattr(load, "_copy", breaks_on_the_last_file)
    with pytest.raises(RuntimeError, match="disk full"):
        d.ingest("cases")
    assert {"part-0.parquet", "rejects.parquet"} <= {c.name for c in calls[:-1]}  # the rest was written
    assert _snapshot(d, "cases") == before
    assert sorted(p.name for p in (d.lake / "cases").iterdir()) == ["snapshot_date=2020-12-25"]  # no leftovers


def test_a_partition_is_swapped_in_whole_and_nothing_is_left_beside_it(with_departments):
    d = with_departments
    d.csv("cases.csv", CASES_HEADER, [case_row("C1")])
    d.ingest("cases")
    d.ingest("cases")
    part = d.lake / "cases" / "snapshot_date=2020-12-25"
    assert sorted(p.name for p in part.iterdir()) == ["load_files.parquet", "part-0.parquet", "rejects.parquet"]
    assert sorted(p.name for p in (d.lake / "cases").iterdir()) == [part.name]


def test_every_lake_file_has_the_documented_columns(with_departments):
    d = with_departments
    d.ingest("evaluations")  # not delivered: an empty partition, with its columns
    from dagster_project.ingest.load import source_table_columns
    from zwfw_contract.sources import get_source

    con = duckdb.connect()
    part = d.lake / "evaluations" / "snapshot_date=2020-12-25"
    in_file = con.execute(
        "SELECT name, type FROM parquet_schema(?) WHERE num_children IS NULL", [str(part / "part-0.parquet")]
    ).fetchall()
    con.close()
    assert [n for n, _ in in_file] == [n for n, _ in source_table_columns(get_source("evaluations"))[1:]]
    cols = d.query("SELECT column_name, column_type FROM (DESCRIBE raw.evaluations)")
    assert cols[0] == ("snapshot_date", "DATE")
    assert cols[-2:] == [("_file", "VARCHAR"), ("_line", "BIGINT")]
    assert ("rating", "BIGINT") in cols and ("evaluated_at", "TIMESTAMP") in cols
    assert d.query("SELECT column_name FROM (DESCRIBE raw.rejects)") == [
        ("snapshot_date",),
        ("source",),
        ("file",),
        ("line",),
        ("column_name",),
        ("reason",),
        ("raw_values",),
        ("loaded_at",),
    ]


def test_delivered_text_is_held_only_by_a_reader_that_cannot_spill(with_departments, tmp_path):
    """DuckDB writes a spilled block whole, its unused tail being stale memory: a process that
    held the delivered text could spill a name. So the text is read in another process, whose
    DuckDB has no temp dir, and the loading process gets a protected copy."""
    from dagster_project.ingest import files, reader

    path = with_departments.csv("cases.csv", CASES_HEADER, [case_row("C1", applicant_name=NAME)])
    delivered = files.Delivered(path, "cases.csv", str(path), "csv")
    con = duckdb.connect()
    [staged] = files.read_files(con, [(0, delivered)], files.Protection.of(get_source("cases"), KEY), tmp_path)
    assert staged.reader_pid not in (0, os.getpid())
    assert staged.parquet.parent == tmp_path
    names = con.execute(f"SELECT c{CASES_HEADER.index('applicant_name')} FROM {staged.table}").fetchall()
    assert names == [(pseudonymise(NAME, KEY),)]
    con.close()
    with reader.reader_connection() as rc:
        assert rc.execute("SELECT current_setting('temp_directory')").fetchall() == [("",)]
        with pytest.raises(duckdb.OutOfMemoryException):  # no spill: out of memory is an error
            rc.execute("SET memory_limit = '20MB'")
            rc.execute("SELECT count(DISTINCT i::VARCHAR || 'x') FROM range(5000000) t(i)").fetchall()


def test_personal_data_never_reaches_the_ingestion_spill(with_departments, monkeypatch, tmp_path):
    """A delivery larger than ingestion's memory limit spills its in-memory tables to the temp
    dir; what is spilled, and the protected copies beside it, hold pseudonyms only."""
    from dagster_project.ingest import load

    d = with_departments
    n = 500_000
    d.csv(
        "cases.csv",
        CASES_HEADER,
        [
            case_row(
                f"C{i:06d}",
                item_code=MARKER,
                applicant_id=f"{ID_NUMBER[:-6]}{i:06d}",
                applicant_name=f"{NAME}{i}",
                applicant_phone=f"139{i:08d}",
            )
            for i in range(n)
        ],
    )
    spill_root = tmp_path / "spill"
    spill_root.mkdir()
    seen = {"spilled": 0, "data": b""}

    class KeptTemporaryDirectory(tempfile.TemporaryDirectory):
        def __init__(self, *args, **kwargs):
            super().__init__(dir=spill_root, prefix="zwfw-ingest-")

    real_check = load._check_rows

    def check_and_scan(con, *args):
        real_check(con, *args)  # every file staged, `checked` built: the most there is in memory
        for path in spill_root.rglob("*"):
            if path.is_file():
                data = path.read_bytes()
                if path.name.startswith("duckdb_temp"):
                    seen["spilled"] += len(data)
                seen["data"] += data

    monkeypatch.setattr(load.tempfile, "TemporaryDirectory", KeptTemporaryDirectory)
    monkeypatch.setattr(load, "_check_rows", check_and_scan)
    assert d.ingest("cases", memory_limit="128MB").rows_loaded == n
    assert seen["spilled"] > 1 << 20, "the delivery did not spill: the scan proves nothing"
    assert MARKER.encode() in seen["data"]  # the scan does see plain text
    for secret in (NAME, ID_NUMBER[:-6] + "000017", "13900000017"):
        assert secret.encode("utf-8") not in seen["data"], secret

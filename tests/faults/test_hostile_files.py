"""Hostile and broken files: each gets reject rows naming file, line, column and reason, or a
load that fails naming the file and changes nothing; never a trace without the file, never a row
lost (read = loaded + rejected)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from ingest_helpers import CASES_HEADER, DEPARTMENTS, DEPARTMENTS_HEADER, case_row, csv_text
from warehouse_helpers import lake_digest

from dagster_project.ingest.encoding import CHUNK_BYTES
from dagster_project.ingest.errors import IngestError

pytestmark = pytest.mark.faults


def refused(fault, d, source: str, file: Path, says: str) -> IngestError:
    """The load of `source` fails naming `file` (absolute path first), and the lake is unchanged."""
    before = lake_digest(d.lake / source)
    with pytest.raises(IngestError) as exc:
        d.ingest(source)
    message = str(exc.value)
    fault.observed = f"refused: {message.removeprefix(str(file.absolute()) + ': ')}"
    assert message.startswith(str(file.absolute())), message
    assert says in message, message
    assert lake_digest(d.lake / source) == before  # nothing of the source changed
    return exc.value


def loaded(fault, d, source: str, rows_in_files: int):
    """The load succeeds; every row is loaded or rejected, and each reject names file and line."""
    result = d.ingest(source)
    fault.lost_rows = rows_in_files - result.rows_loaded - result.rows_rejected
    rejects = d.rejects(source)
    reasons = sorted({r[3] for r in rejects})
    fault.observed = f"read {result.rows_read}, loaded {result.rows_loaded}, rejected {result.rows_rejected}" + (
        f": {'; '.join(reasons)}" if reasons else ""
    )
    assert result.rows_read == rows_in_files
    assert fault.lost_rows == 0
    assert len(rejects) == result.rows_rejected
    assert all(file and line and reason for file, line, _, reason in rejects), rejects
    return result, rejects


def test_zero_byte_file(fault, with_departments):
    fault.tried("a zero-byte file", "0 rows read, listed in raw.load_files")
    d = with_departments
    d.bytes("cases/a.csv", b"")
    d.csv("cases/b.csv", CASES_HEADER, [case_row("C1")])
    loaded(fault, d, "cases", 1)
    assert d.query("SELECT file, rows_read FROM raw.load_files WHERE source = 'cases' ORDER BY file") == [
        ("2020-12-25/cases/a.csv", 0),
        ("2020-12-25/cases/b.csv", 1),
    ]


def test_header_only_file(fault, with_departments):
    fault.tried("a header-only file", "0 rows read, listed in raw.load_files")
    d = with_departments
    d.csv("cases.csv", CASES_HEADER, [])
    loaded(fault, d, "cases", 0)
    assert d.query("SELECT rows_read FROM raw.load_files WHERE source = 'cases'") == [(0,)]


def test_a_reference_source_delivering_no_rows(fault, delivery):
    fault.tried("a reference source delivering no rows", "refused: it would empty the reference")
    delivery.csv("departments.csv", DEPARTMENTS_HEADER, [])
    refused(fault, delivery, "departments", delivery.path("departments.csv"), "holds no rows")


def test_truncated_parquet(fault, with_departments):
    fault.tried("a truncated Parquet file", "refused, naming the file")
    d = with_departments
    p = d.path("cases.parquet")
    pq.write_table(pa.table({c: [v] * 1000 for c, v in zip(CASES_HEADER, case_row("C1"))}), p)
    p.write_bytes(p.read_bytes()[: p.stat().st_size // 2])
    refused(fault, d, "cases", p, "cannot read PARQUET file")


def test_xlsx_with_formulas(fault, with_departments):
    fault.tried("XLSX cells holding formulas", "rejected with column and reason")
    d = with_departments
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(CASES_HEADER)
    ws.append(case_row("C1", item_code='=HYPERLINK("http://example.invalid","x")'))
    ws.append(case_row("C2", item_code="=1+1"))
    ws.append(case_row("C3"))
    wb.save(d.path("cases.xlsx"))
    _, rejects = loaded(fault, d, "cases", 3)
    assert [(line, column) for _, line, column, _ in rejects] == [(2, "item_code"), (3, "item_code")]


def test_csv_with_a_nul_byte(fault, with_departments):
    fault.tried("a CSV with a NUL byte", "rejected with column and reason")
    d = with_departments
    d.bytes("cases.csv", csv_text(CASES_HEADER, [case_row("C1"), case_row("C2", item_code="I\x001")]).encode())
    _, rejects = loaded(fault, d, "cases", 2)
    assert [r[1:] for r in rejects] == [(3, "item_code", "control character (such as NUL) in column item_code")]


def test_csv_with_a_10_mb_field(fault, with_departments):
    fault.tried("a CSV with a 10 MB field", "rejected with column and reason")
    d = with_departments
    d.bytes("cases.csv", csv_text(CASES_HEADER, [case_row("C1", item_code="x" * 10_000_000), case_row("C2")]).encode())
    _, rejects = loaded(fault, d, "cases", 2)
    assert [r[1:3] for r in rejects] == [(2, "item_code")] and "10000000 characters" in rejects[0][3]
    raw = d.query("SELECT raw_values FROM raw.rejects")[0][0]
    assert len(raw) < 10_000  # the reject keeps a cut value; the file keeps the rest


def test_csv_with_mixed_line_endings(fault, with_departments):
    fault.tried("a CSV with mixed line endings", "loaded; a bad row's line still right")
    d = with_departments
    rows = [case_row("C1"), case_row("C2"), case_row("C3", channel="fax"), case_row("C4")]
    text = csv_text(CASES_HEADER, rows).encode()
    lines = text.split(b"\n")
    text = lines[0] + b"\r\n" + lines[1] + b"\r" + lines[2] + b"\n" + b"\r\n".join(lines[3:])
    d.bytes("cases.csv", text)
    _, rejects = loaded(fault, d, "cases", 4)
    assert [r[1:3] for r in rejects] == [(4, "channel")]


@pytest.mark.parametrize("encoding, says", [("utf-16", "UTF-16"), ("big5", "Big5")])
def test_utf16_and_big5(fault, with_departments, encoding, says):
    fault.tried(f"a {says} file", "refused, naming the file and its encoding")
    d = with_departments
    rows = [case_row(f"C{i}", applicant_name=name) for i, name in enumerate(["陳大文", "張小明", "黃國華", "李美玲"])]
    p = d.bytes("cases.csv", csv_text(CASES_HEADER, rows).encode(encoding))
    refused(fault, d, "cases", p, says)


def test_gb18030_broken_at_a_buffer_boundary(fault, with_departments):
    fault.tried("GB18030 broken at a buffer boundary", "refused, naming file, line and column")
    d = with_departments
    row = csv_text(CASES_HEADER, [case_row("C1", item_code="事项编码")]).encode("gb18030").split(b"\n", 1)[1]
    header = (",".join(CASES_HEADER) + "\n").encode()
    body = bytearray(header + row * (CHUNK_BYTES // len(row) + 2))
    at = body.index("事".encode("gb18030"), CHUNK_BYTES - len(row))  # a two-byte character ...
    while at + 1 != CHUNK_BYTES and at < CHUNK_BYTES:  # ... moved to straddle the decoder's chunks
        at = body.index("事".encode("gb18030"), at + 1)
    body[at + 1] = 0x20  # its trail byte replaced: the lead byte, alone, is invalid
    p = d.bytes("cases.csv", bytes(body))
    line = body[:at].count(b"\n") + 1
    column = at - body[:at].rindex(b"\n")
    exc = refused(fault, d, "cases", p, "cannot be decoded")
    assert (exc.line, exc.column) == (line, column)


def test_a_file_that_changes_while_it_is_read(fault, with_departments):
    fault.tried("a file that changes while it is read", "refused, naming the file")
    d = with_departments
    p = d.csv("cases.csv", CASES_HEADER, [case_row(f"C{i}") for i in range(300_000)])
    stop = threading.Event()

    def keep_writing():
        with open(p, "a") as f:
            while not stop.is_set():
                f.write(",".join(case_row("CX")) + "\n")
                f.flush()
                time.sleep(0.005)

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        refused(fault, d, "cases", p, "changed while it was read")
    finally:
        stop.set()
        writer.join()


def test_a_symlink_out_of_the_landing_zone(fault, with_departments, tmp_path):
    fault.tried("a symlink out of the landing zone", "refused, naming the link")
    d = with_departments
    outside = tmp_path / "elsewhere.csv"
    outside.write_text(csv_text(CASES_HEADER, [case_row("C1")]))
    link = d.path("cases.csv")
    link.symlink_to(outside)
    refused(fault, d, "cases", link, "outside the landing zone")


def test_a_name_with_dot_dot(fault, with_departments, tmp_path):
    fault.tried("a name with `..` pointing out", "refused, naming the file")
    d = with_departments
    (tmp_path / "secret.csv").write_text(csv_text(CASES_HEADER, [case_row("C1")]))
    link = d.path("cases/a.csv")
    link.symlink_to(Path("../../../../secret.csv"))  # zone/raw/2020-12-25/cases/ -> tmp_path
    refused(fault, d, "cases", link, "outside the landing zone")


def test_a_folder_of_10000_tiny_files(fault, with_departments):
    fault.tried("a source folder with 10 000 tiny files", "all loaded or rejected")
    d = with_departments
    folder = d.path("cases/x").parent
    for i in range(10_000):
        (folder / f"p{i:05d}.csv").write_text(
            csv_text(CASES_HEADER, [case_row(f"C{i}", channel="fax" if i % 1000 == 7 else "online")])
        )
    started = time.monotonic()
    _, rejects = loaded(fault, d, "cases", 10_000)
    fault.observed += f" in {time.monotonic() - started:.0f} s"
    assert [(f, line) for f, line, *_ in rejects] == [
        (f"2020-12-25/cases/p{i:05d}.csv", 2) for i in range(7, 10_000, 1000)
    ]


def test_a_delivery_dated_after_its_snapshot(fault, with_departments):
    fault.tried("a delivery dated after its snapshot", "its rows rejected: after the snapshot")
    d = with_departments
    d.csv("cases.csv", CASES_HEADER, [case_row("C1"), case_row("C2", updated_at="2021-01-04 09:00:00")])
    _, rejects = loaded(fault, d, "cases", 2)
    assert [r[1:] for r in rejects] == [
        (3, "updated_at", "updated_at 2021-01-04 09:00:00 is after the snapshot (2020-12-25)")
    ]


def test_updated_at_in_the_future(fault, with_departments):
    fault.tried("updated_at in the future", "rejected: after the snapshot")
    d = with_departments
    d.csv("cases.csv", CASES_HEADER, [case_row("C1", updated_at="2099-01-01 00:00:00")])
    _, rejects = loaded(fault, d, "cases", 1)
    assert [r[1:3] for r in rejects] == [(2, "updated_at")]
    assert d.query("SELECT count(*) FROM raw.cases") == [(0,)]  # it can never win the as-of merge


@pytest.mark.parametrize("source", ["departments", "cases"])
def test_duplicate_ids_across_the_files_of_one_delivery(fault, delivery, source):
    fault.tried(f"duplicate ids across files ({source})", "later ones rejected, naming the first")
    if source == "departments":
        delivery.csv("departments/a.csv", DEPARTMENTS_HEADER, DEPARTMENTS)
        delivery.csv("departments/b.csv", DEPARTMENTS_HEADER, DEPARTMENTS[:1])
        _, rejects = loaded(fault, delivery, "departments", 4)
        assert [r[:3] for r in rejects] == [("2020-12-25/departments/b.csv", 2, "dept_id")]
    else:
        delivery.departments()
        delivery.csv("cases/a.csv", CASES_HEADER, [case_row("C1"), case_row("C2")])
        delivery.csv("cases/b.csv", CASES_HEADER, [case_row("C1", channel="mobile")])  # same version, other values
        _, rejects = loaded(fault, delivery, "cases", 3)
        assert [r[:2] for r in rejects] == [("2020-12-25/cases/b.csv", 2)]
        assert "first at" in rejects[0][3] and "a.csv" in rejects[0][3]

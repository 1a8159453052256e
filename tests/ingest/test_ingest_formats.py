"""Discovery of a delivery and reading CSV (UTF-8, BOM, GB18030), XLSX and Parquet."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import xlsxwriter
from ingest_helpers import (
    CASES_HEADER,
    DEPARTMENTS,
    DEPARTMENTS_HEADER,
    KEY,
    SNAPSHOT,
    assert_counts_add_up,
    case_row,
)

from dagster_project.ingest.errors import IngestError
from dagster_project.ingest.pii import pseudonymise

# --- discovery ---------------------------------------------------------------------------


def test_missing_reference_source_names_the_expected_path(delivery):
    delivery.path("cases.csv")  # the snapshot folder exists, regions is not in it
    with pytest.raises(IngestError) as exc:
        delivery.ingest("regions")
    message = str(exc.value)
    assert "raw/2020-12-25/regions.csv" in message
    assert "raw/2020-12-25/regions/" in message


def test_absent_event_source_changes_nothing(with_departments):
    before = with_departments.query("SELECT count(*) FROM raw.load_files")
    result = with_departments.ingest("tickets")
    assert result.absent and result.files == []
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (0, 0, 0)
    assert with_departments.query("SELECT count(*) FROM raw.load_files") == before


def test_absent_event_source_without_snapshot_folder(delivery):
    result = delivery.ingest("evaluations", dt.date(2021, 1, 1))
    assert result.absent
    # a source the lake has never seen gets an empty partition, so that its readers find its columns
    assert delivery.query("SELECT count(*) FROM raw.evaluations") == [(0,)]
    assert delivery.query("SELECT count(*) FROM raw.load_files") == [(0,)]
    again = delivery.ingest("evaluations", dt.date(2021, 1, 8))
    assert again.absent and not (delivery.lake / "evaluations" / "snapshot_date=2021-01-08").exists()


def test_source_split_over_several_files_is_read_in_name_order(with_departments):
    d = with_departments
    d.csv("cases/part-2.csv", CASES_HEADER, [case_row("C3"), case_row("C1", channel="mobile")])
    d.csv("cases/part-1.csv", CASES_HEADER, [case_row("C1"), case_row("C2")])
    d.bytes("cases/notes.txt", b"not data")
    d.bytes("cases/~$part-3.xlsx", b"excel lock file")
    result = d.ingest("cases")
    assert [f.file for f in result.files] == ["2020-12-25/cases/part-1.csv", "2020-12-25/cases/part-2.csv"]
    assert result.rows_loaded == 3 and result.rows_rejected == 1
    # The tie is found across files and points at the first file.
    assert d.rejects("cases") == [
        (
            "2020-12-25/cases/part-2.csv",
            3,
            "updated_at",
            "version tie with different values (first at 2020-12-25/cases/part-1.csv line 2)",
        ),
    ]
    assert d.query("SELECT _file, _line FROM raw.cases ORDER BY _file, _line") == [
        ("2020-12-25/cases/part-1.csv", 2),
        ("2020-12-25/cases/part-1.csv", 3),
        ("2020-12-25/cases/part-2.csv", 2),
    ]


def test_file_and_folder_for_one_source_is_ambiguous(delivery):
    delivery.csv("regions.csv", ["region_code"], [])
    delivery.csv("regions/a.csv", ["region_code"], [])
    with pytest.raises(IngestError, match="ambiguous delivery of regions"):
        delivery.ingest("regions")


# --- CSV encodings -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "encoding,bom,reported",
    [("utf-8", False, "utf-8"), ("utf-8", True, "utf-8-sig"), ("gb18030", False, "gb18030"), ("gbk", False, "gb18030")],
)
def test_chinese_text_read_back_in_every_encoding(delivery, encoding, bom, reported):
    delivery.csv("departments.csv", DEPARTMENTS_HEADER, DEPARTMENTS, encoding=encoding, bom=bom)
    result = delivery.ingest("departments")
    assert [f.encoding for f in result.files] == [reported]
    assert result.rows_loaded == 3
    rows = delivery.query("SELECT dept_id, dept_name, is_tax FROM raw.departments ORDER BY dept_id")
    assert rows == [
        ("D1", "河南省自然资源厅", False),
        ("D2", "郑州市税务局", True),
        ("D3", "郑州市市场监督管理局", False),
    ]
    assert delivery.query("SELECT DISTINCT encoding FROM raw.load_files") == [(reported,)]


def test_undecodable_file_stops_the_load(delivery):
    delivery.bytes("departments.csv", b"dept_id,dept_name,region_code\nD1,\xff\xfe,410000\n")
    with pytest.raises(IngestError, match=r"raw/2020-12-25/departments.csv: line 2, column 4: "):
        delivery.ingest("departments")


def test_header_and_values_are_matched_loosely(delivery):
    header = [" DEPT_ID ", "Dept_Name", "ＲＥＧＩＯＮ＿ＣＯＤＥ", "unknown extra", "Is_Tax"]
    delivery.csv("departments.csv", header, [["Ｄ１\u3000", " 河南省自然资源厅 ", "４１００００", "x", "ｙ"]])
    result = delivery.ingest("departments")
    assert result.rows_loaded == 1
    # uscc is optional and missing: null; the unknown column is ignored.
    assert delivery.query("SELECT dept_id, dept_name, region_code, uscc, is_tax FROM raw.departments") == [
        ("D1", "河南省自然资源厅", "410000", None, True)
    ]


def test_missing_required_column_names_file_and_column(with_departments):
    header = [c for c in CASES_HEADER if c != "accepted_at"]
    with_departments.csv("cases/part-2.csv", header, [])
    with pytest.raises(IngestError) as exc:
        with_departments.ingest("cases")
    expected = with_departments.raw.absolute() / "2020-12-25" / "cases" / "part-2.csv"
    assert str(exc.value) == f"{expected}: missing required column 'accepted_at'"  # the absolute path


def test_empty_files(delivery):
    delivery.bytes("departments/a.csv", b"")  # 0 bytes: no header, no rows
    delivery.csv("departments/b.csv", DEPARTMENTS_HEADER, [])  # header only
    delivery.bytes("departments/c.csv", b"\xef\xbb\xbf\r\n")  # BOM and a blank line
    delivery.csv("departments/d.csv", DEPARTMENTS_HEADER, DEPARTMENTS[:1])
    result = delivery.ingest("departments")
    assert [(f.file.rsplit("/", 1)[1], f.format, f.encoding, f.rows_read) for f in result.files] == [
        ("a.csv", "csv", None, 0),
        ("b.csv", "csv", "utf-8", 0),
        ("c.csv", "csv", "utf-8-sig", 0),
        ("d.csv", "csv", "utf-8", 1),
    ]
    assert delivery.query("SELECT count(*) FROM raw.load_files") == [(4,)]


def test_header_only_file_still_needs_its_required_columns(delivery):
    delivery.csv("departments.csv", ["dept_id"], [])
    with pytest.raises(IngestError, match="missing required columns 'dept_name', 'region_code'"):
        delivery.ingest("departments")


def test_malformed_rows_are_rejected_with_their_physical_line(with_departments):
    text = (
        ",".join(CASES_HEADER)
        + "\n"
        + ",".join(case_row("C1"))
        + "\n"  # line 2
        + "\n"  # line 3: blank, not a row
        + ",".join(case_row("C2", applicant_name='"王\n小明"'))
        + "\n"  # lines 4-5: quoted newline
        + "C3,I1,D1\n"  # line 6: too few fields
        + ",".join(case_row("C4"))
        + ",extra\n"  # line 7: too many fields
        + "  \t\n"  # line 8: white space only, not a row
        + ",".join(case_row("C5"))
        + "\n"  # line 9
        + ",".join(case_row("C6", applicant_name='"unterminated'))
        + "\n"  # line 10, swallows 11
        + ",".join(case_row("C7"))
        + "\n"
    )
    with_departments.bytes("cases.csv", text.encode())
    result = with_departments.ingest("cases")
    assert_counts_add_up(result)
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (6, 3, 3)
    assert with_departments.query("SELECT case_id, _line FROM raw.cases ORDER BY _line") == [
        ("C1", 2),
        ("C2", 4),
        ("C5", 9),
    ]
    rejects = with_departments.query(
        "SELECT line, column_name, reason, raw_values FROM raw.rejects WHERE source = 'cases' ORDER BY line"
    )
    assert [r[:3] for r in rejects] == [
        (6, None, "malformed CSV row (expected 11 fields, found 3)"),
        (7, None, "malformed CSV row (expected 11 fields, found 12)"),
        (10, None, "malformed CSV row (unterminated quote: the rest of the file is one value)"),
    ]
    # cases has personal data: the unsplittable text of a malformed row is not kept.
    assert all("王" not in r[3] and "C3" not in r[3] for r in rejects)


def test_many_blocks_gb18030_crlf_and_line_numbers(with_departments, monkeypatch):
    """Small parse blocks: ordinals, record numbers and transcoding must hold across batches."""
    from dagster_project.ingest import files

    monkeypatch.setattr(files, "CSV_BLOCK_BYTES", 1024)
    lines = [",".join(CASES_HEADER)]
    expected = []
    for i in range(200):
        if i % 50 == 7:
            lines.append("")  # blank line
        if i % 40 == 3:
            lines.append(f"C{i},I1,D1")  # malformed
            continue
        name = f'"张三{i}\r\n第二行"' if i % 30 == 5 else f"张三{i}"
        lines.append(",".join(case_row(f"C{i}", applicant_name=name)))
        expected.append((f"C{i}", len(lines) + sum(line.count("\n") for line in lines[:-1])))
    with_departments.bytes("cases.csv", "\r\n".join(lines).encode("gb18030") + b"\r\n")
    result = with_departments.ingest("cases")
    assert result.files[0].encoding == "gb18030"
    assert (result.rows_read, result.rows_rejected) == (200, 5)
    got = with_departments.query("SELECT case_id, _line FROM raw.cases ORDER BY _line")
    assert got == expected
    malformed = with_departments.query("SELECT line FROM raw.rejects ORDER BY line")
    physical = "\r\n".join(lines).split("\r\n")  # the file's physical lines
    assert [physical[line - 1].split(",")[0] for (line,) in malformed] == ["C3", "C43", "C83", "C123", "C163"]
    names = with_departments.query("SELECT applicant_name FROM raw.cases WHERE case_id IN ('C4', 'C5')")
    assert sorted(n for (n,) in names) == sorted([pseudonymise("张三4", KEY), pseudonymise("张三5\r\n第二行", KEY)])


def test_malformed_row_text_is_kept_when_the_source_has_no_personal_data(delivery):
    delivery.bytes("departments.csv", b"dept_id,dept_name,region_code\nD1,a,410000\nD2,b\n")
    result = delivery.ingest("departments")
    assert (result.rows_loaded, result.rows_rejected) == (1, 1)
    assert delivery.query("SELECT line, raw_values FROM raw.rejects") == [
        (3, '{"_fields_found": 2, "_fields_expected": 3, "_text": "D2,b"}')
    ]


# --- XLSX --------------------------------------------------------------------------------


def test_xlsx_with_real_date_cells(with_departments):
    d = with_departments
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(CASES_HEADER)
    ws.append(
        [
            "C1",
            "I1",
            "D1",
            "online",
            dt.datetime(2020, 12, 1, 9, 30),
            dt.date(2020, 12, 2),
            1,
            "410101199001010011",
            "王小明",
            13800001234,
            dt.datetime(2020, 12, 3, 10, 0, 0),
        ]
    )
    ws.append(
        ["C2", 1001, "D1", "window", "2020/12/01 08:00", None, True, None, None, None, 44170.5]
    )  # a bare Excel serial (2020-12-05 12:00) in a timestamp column
    ws.append([None] * 11)  # an empty row is not data
    ws.append(["C3", "I1", "D1", "kiosk", "not a date", None, 0, None, None, None, "2020-12-01"])
    wb.create_sheet("ignored").append(["anything"])
    wb.save(d.path("cases.xlsx"))
    result = d.ingest("cases")
    assert result.files[0].format == "xlsx" and result.files[0].encoding is None
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (3, 2, 1)
    rows = d.query(
        "SELECT case_id, item_code, accepted_at, completed_at, qc_passed, updated_at, _line "
        "FROM raw.cases ORDER BY case_id"
    )
    assert rows == [
        (
            "C1",
            "I1",
            dt.datetime(2020, 12, 1, 9, 30),
            dt.datetime(2020, 12, 2),
            True,
            dt.datetime(2020, 12, 3, 10, 0),
            2,
        ),
        ("C2", "1001", dt.datetime(2020, 12, 1, 8, 0), None, True, dt.datetime(2020, 12, 5, 12, 0), 3),
    ]
    assert d.rejects("cases") == [
        ("2020-12-25/cases.xlsx", 5, "accepted_at", "bad timestamp 'not a date' in column accepted_at")
    ]
    phone = d.query("SELECT applicant_phone FROM raw.cases WHERE case_id = 'C1'")[0][0]
    assert phone == pseudonymise("13800001234", KEY)  # a whole number reads as '13800001234'


def test_xlsx_written_by_xlsxwriter_with_date_formats(delivery):
    path = delivery.path("e_seals.xlsx")
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet()
    fmt = wb.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    ws.write_row(0, 0, ["seal_id", "dept_id", "uscc", "status", "created_at"])
    ws.write_row(1, 0, ["S1", "D1", "11410000MB0000000X", "active"])
    ws.write_datetime(1, 4, dt.datetime(2020, 6, 1, 8, 15), fmt)
    wb.close()
    delivery.departments()
    assert delivery.ingest("e_seals").rows_loaded == 1
    assert delivery.query("SELECT created_at FROM raw.e_seals") == [(dt.datetime(2020, 6, 1, 8, 15),)]


# --- Parquet -----------------------------------------------------------------------------


def test_parquet_typed_columns_and_wrong_types_fail_per_row(with_departments):
    d = with_departments
    table = pa.table(
        {
            "EVAL_ID": ["E1", "E2", "E3"],
            "item_code": ["I1", "I1", "I1"],
            "dept_id": ["D1", "D1", "D1"],
            "source": ["active", "active", "default"],
            "rating": ["5", "five", "3"],  # stored as text: 'five' must fail, not crash
            "evaluated_at": pa.array([dt.datetime(2020, 12, 1, 10, 0)] * 3, pa.timestamp("us")),
            "rectify_due_at": pa.array([None, None, 20201231], pa.int64()),  # a date stored as int
            "updated_at": pa.array([dt.date(2020, 12, 1)] * 3, pa.date32()),
        }
    )
    pq.write_table(table, d.path("evaluations.parquet"))
    result = d.ingest("evaluations")
    assert result.files[0].format == "parquet" and result.files[0].encoding is None
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (3, 1, 2)
    assert d.query("SELECT eval_id, rating, evaluated_at, updated_at, _line FROM raw.evaluations") == [
        ("E1", 5, dt.datetime(2020, 12, 1, 10, 0), dt.datetime(2020, 12, 1), 2)
    ]
    assert d.rejects("evaluations") == [
        ("2020-12-25/evaluations.parquet", 3, "rating", "bad integer 'five' in column rating"),
        ("2020-12-25/evaluations.parquet", 4, "rectify_due_at", "bad timestamp '20201231' in column rectify_due_at"),
    ]


def test_empty_parquet_and_xlsx_files(delivery):
    delivery.bytes("departments/a.parquet", b"")
    pq.write_table(
        pa.table(
            {
                "dept_id": pa.array([], pa.string()),
                "dept_name": pa.array([], pa.string()),
                "region_code": pa.array([], pa.string()),
            }
        ),
        delivery.path("departments/b.parquet"),
    )
    wb = openpyxl.Workbook()
    wb.save(delivery.path("departments/c.xlsx"))  # no cells at all
    delivery.csv("departments/d.csv", DEPARTMENTS_HEADER, DEPARTMENTS[:1])  # a reference must hold rows
    result = delivery.ingest("departments")
    assert [(f.format, f.rows_read) for f in result.files] == [("parquet", 0), ("parquet", 0), ("xlsx", 0), ("csv", 1)]


def test_unreadable_xlsx_names_the_file(delivery):
    delivery.bytes("departments.xlsx", b"this is not a zip file")
    with pytest.raises(IngestError, match=r"^/.*/raw/2020-12-25/departments.xlsx: cannot read XLSX file"):
        delivery.ingest("departments")


def test_snapshot_date_column_is_the_delivery(delivery):
    delivery.departments()
    assert delivery.query("SELECT DISTINCT snapshot_date FROM raw.departments") == [(SNAPSHOT,)]


def _partition_contents(d, source: str) -> tuple:
    rows = d.query(f"SELECT * EXCLUDE (snapshot_date) FROM raw.{source} ORDER BY _file, _line")
    rejects = d.query(
        "SELECT file, line, column_name, reason, raw_values FROM raw.rejects WHERE source = ? ORDER BY file, line",
        [source],
    )
    counts = d.query(
        "SELECT file, format, encoding, rows_read, rows_loaded, rows_rejected FROM raw.load_files "
        "WHERE source = ? ORDER BY file",
        [source],
    )
    return rows, rejects, counts


def test_a_delivery_validated_in_chunks_loads_exactly_what_one_pass_loads(with_departments, monkeypatch):
    """Large deliveries are validated a group of files at a time; the delivery-wide rules
    (version ties across files, first-at pointers) and every count come out the same."""
    d = with_departments
    d.csv(
        "cases/part-1.csv",
        CASES_HEADER,
        [
            case_row("C1", applicant_name="张三"),
            case_row("C2"),
            case_row("C9", channel="fax"),
            case_row("C5", item_code="I\nwith a newline"),
        ],
    )
    d.csv(
        "cases/part-2.csv",
        CASES_HEADER,
        [
            case_row("C3"),
            case_row("C1", channel="mobile", applicant_name="张三"),  # tie, differs: rejected
            case_row("C2"),  # identical duplicate: both load
        ],
    )
    d.csv("cases/part-3.csv", CASES_HEADER, [case_row("C1", channel="kiosk"), case_row("C4", accepted_at="soon")])
    one_pass = d.ingest("cases")
    expected = _partition_contents(d, "cases")
    assert one_pass.rows_rejected == 4 and len(list((d.lake / "cases").glob("*/part-*.parquet"))) == 1

    chunked = d.ingest("cases", chunk_bytes=0)  # every file its own chunk
    assert len(list((d.lake / "cases").glob("*/part-*.parquet"))) == 3
    assert chunked.files == one_pass.files
    got = _partition_contents(d, "cases")
    for part, (g, e) in enumerate(zip(got, expected)):
        assert len(g) == len(e), part
        for i, (gr, er) in enumerate(zip(g, e)):
            assert gr == er, (part, i)
    assert [r[3] for r in expected[1] if "tie" in r[3]] == [
        "version tie with different values (first at 2020-12-25/cases/part-1.csv line 2)"
    ] * 2

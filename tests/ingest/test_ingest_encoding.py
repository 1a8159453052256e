"""CSV encoding detection: strict, streaming, with a precise position for bad bytes."""

from __future__ import annotations

import pytest
from ingest_helpers import DEPARTMENTS_HEADER, csv_text

from dagster_project.ingest import encoding
from dagster_project.ingest.encoding import detect_encoding
from dagster_project.ingest.errors import IngestError

CHINESE = csv_text(DEPARTMENTS_HEADER, [["D1", "河南省自然资源厅", "410000", "", "否"]] * 3)


def write(tmp_path, data: bytes):
    p = tmp_path / "f.csv"
    p.write_bytes(data)
    return p


def test_utf8_without_and_with_bom(tmp_path):
    assert detect_encoding(write(tmp_path, CHINESE.encode()), "f.csv") == "utf-8"
    assert detect_encoding(write(tmp_path, b"\xef\xbb\xbf" + CHINESE.encode()), "f.csv") == "utf-8-sig"


def test_gb18030_and_gbk(tmp_path):
    assert detect_encoding(write(tmp_path, CHINESE.encode("gb18030")), "f.csv") == "gb18030"
    assert detect_encoding(write(tmp_path, CHINESE.encode("gbk")), "f.csv") == "gb18030"


def test_empty_file_has_no_encoding(tmp_path):
    assert detect_encoding(write(tmp_path, b""), "f.csv") is None


def test_undecodable_byte_reports_line_and_byte_column(tmp_path):
    data = b"a,b\n1,2\nabcd\xff,3\n"  # 0xFF is neither UTF-8 nor GB18030
    with pytest.raises(IngestError) as exc:
        detect_encoding(write(tmp_path, data), "raw/2020-12-25/x.csv")
    assert str(exc.value) == ("raw/2020-12-25/x.csv: line 3, column 5: bytes cannot be decoded as UTF-8 or GB18030")
    assert (exc.value.line, exc.value.column) == (3, 5)


def test_gb18030_file_with_corrupt_byte_is_reported_where_gb18030_stops(tmp_path):
    good = CHINESE.encode("gb18030")  # UTF-8 fails at its first Chinese character already
    data = good + b"D9,\xff\n"
    with pytest.raises(IngestError) as exc:
        detect_encoding(write(tmp_path, data), "x.csv")
    assert exc.value.line == CHINESE.count("\n") + 1
    assert exc.value.column == 4


def test_corrupt_utf8_file_is_not_silently_read_as_gb18030(tmp_path):
    # Valid UTF-8 Chinese, then one stray byte: GB18030 decodes all of it (as mojibake).
    data = ("a,b\n" + "D1,河南省自然资源厅\n" * 3).encode() + b"D9,\xa1" + "部门部\n".encode()
    assert data.decode("gb18030").startswith("a,b\nD1,娌冲崡")  # GB18030 alone would "succeed"
    with pytest.raises(IngestError, match=r"line 5, column 4: .*UTF-8"):
        detect_encoding(write(tmp_path, data), "x.csv")


def test_character_split_across_chunks(tmp_path, monkeypatch):
    monkeypatch.setattr(encoding, "CHUNK_BYTES", 7)  # splits multi-byte characters
    assert detect_encoding(write(tmp_path, CHINESE.encode()), "f.csv") == "utf-8"
    assert detect_encoding(write(tmp_path, CHINESE.encode("gb18030")), "f.csv") == "gb18030"
    with pytest.raises(IngestError) as exc:
        detect_encoding(write(tmp_path, b"a,b\n1,2\n33333333\xff\n"), "f.csv")
    assert (exc.value.line, exc.value.column) == (3, 9)


def test_truncated_character_at_end_of_file(tmp_path):
    with pytest.raises(IngestError) as exc:
        detect_encoding(write(tmp_path, b"a,b\n1,\xe4"), "f.csv")  # lead byte, then EOF
    assert (exc.value.line, exc.value.column) == (2, 3)

"""Value normalisation and parsing SQL, evaluated in DuckDB on single values."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from dagster_project.ingest.normalize import header_key, normalized, parse
from zwfw_contract.sources import Column


def value(raw: str | None, type_: str = "text", xlsx: bool = False):
    col = Column("x", type_)
    sql = f"SELECT {parse(normalized('v', col), col, 'xl')} FROM (SELECT ?::VARCHAR AS v, ? AS xl)"
    return duckdb.connect().execute(sql, [raw, xlsx]).fetchone()[0]


def test_text_is_trimmed_including_ideographic_space_and_empty_is_null():
    assert value("\u3000 D1 \t") == "D1"
    assert value("  ") is None
    assert value("") is None
    assert value(None) is None


def test_full_width_digits_and_letters_fold_but_chinese_punctuation_stays():
    assert value("ＡＢＣ１２３ｘ") == "ABC123x"
    assert value("省直管县（市）") == "省直管县（市）"


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("1", True),
        ("0", False),
        ("TRUE", True),
        ("False", False),
        ("是", True),
        ("否", False),
        ("y", True),
        ("N", False),
        (" Y ", True),
        ("１", True),
        ("maybe", None),
        ("2", None),
    ],
)
def test_booleans(raw, expected):
    assert value(raw, "bool") is expected


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("12", 12),
        ("-3", -3),
        ("+4", 4),
        ("12.0", 12),
        ("１２", 12),
        (" 7 ", 7),
        ("1.5", None),
        ("1e3", None),
        ("12a", None),
        ("99999999999999999999", None),
    ],
)
def test_integers(raw, expected):
    assert value(raw, "int") == expected


@pytest.mark.parametrize(
    "raw",
    [
        "2020-12-05",
        "2020/12/05",
        "2020/12/5",
        "2020-12-5",
        "2020年12月5日",
        "2020年12月05日",
        "２０２０－１２－０５",
        "2020-12-05 00:00:00",
        "2020-12-05 00:00",
    ],
)
def test_dates_accepted(raw):
    assert value(raw, "date") == dt.date(2020, 12, 5)


@pytest.mark.parametrize(
    "raw",
    ["20-12-05", "2020-13-01", "2020-02-30", "2020.12.05", "2020-12/05", "12/05/2020", "2020-12-05 10:00", "44170"],
)
def test_dates_rejected(raw):
    assert value(raw, "date") is None


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("2020-12-05 09:05:07", dt.datetime(2020, 12, 5, 9, 5, 7)),
        ("2020/12/5 9:05", dt.datetime(2020, 12, 5, 9, 5)),
        ("2020年12月5日 09:05:07", dt.datetime(2020, 12, 5, 9, 5, 7)),
        ("2020-12-05", dt.datetime(2020, 12, 5)),
        ("2020-12-05 09:05:07.250", dt.datetime(2020, 12, 5, 9, 5, 7, 250000)),
    ],
)
def test_timestamps_accepted(raw, expected):
    assert value(raw, "timestamp") == expected


@pytest.mark.parametrize(
    "raw",
    ["2020-12-05 25:00", "2020-12-05 9", "2020-12-05 09:05+08", "yesterday", "2020-12-05T"],
)
def test_timestamps_rejected(raw):
    assert value(raw, "timestamp") is None


def test_excel_serial_dates_only_from_xlsx():
    assert value("44170", "date", xlsx=True) == dt.date(2020, 12, 5)
    assert value("44170.5", "timestamp", xlsx=True) == dt.datetime(2020, 12, 5, 12, 0)
    assert value("44170.5", "date", xlsx=True) is None  # a date column takes whole days only
    assert value("44170", "timestamp", xlsx=False) is None


def test_header_key_is_trimmed_case_folded_and_width_folded():
    assert header_key(" Dept_ID\u3000") == "dept_id"
    assert header_key("ＤＥＰＴ＿ＩＤ") == "dept_id"
    assert header_key("\ufeffdept_id") == "dept_id"

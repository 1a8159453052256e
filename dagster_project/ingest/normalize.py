"""Value normalisation and parsing as DuckDB SQL expressions (set-based, no row loops).

Every raw value arrives as VARCHAR. `normalized(...)` trims and folds full-width characters;
`parse(...)` turns the normalised text into the column's type, NULL when it does not parse
(the caller tells "empty" from "bad" by looking at the normalised text).

Full-width folding: typed columns (int, bool, date, timestamp) fold the whole full-width
ASCII block U+FF01–U+FF5E (so '２０２０／１２／２５' parses); text columns fold only
full-width digits and Latin letters, as the contract says, because Chinese names legitimately
use full-width punctuation ('省直管县（市）') and must be kept as printed.
"""

from __future__ import annotations

import unicodedata

from zwfw_contract.sources import Column

# Trimmed at both ends: ASCII white space, ideographic space, no-break space, stray BOM.
WHITESPACE = " \t\r\n\f\v\u3000\u00a0\ufeff"

_FW_ALL = "".join(chr(c) for c in range(0xFF01, 0xFF5F)) + "\u3000"
_HW_ALL = "".join(chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)) + " "
_ALNUM = [*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B)]
_FW_ALNUM = "".join(chr(c) for c in _ALNUM)
_HW_ALNUM = "".join(chr(c - 0xFEE0) for c in _ALNUM)

TRUE_WORDS = ("1", "true", "是", "y")
FALSE_WORDS = ("0", "false", "否", "n")

# Shapes accepted (after normalisation). Checked with a regex first so that DuckDB's lenient
# casts (two-digit years, time zones, ...) never let anything else through.
_DATE = r"\d{4}-\d{1,2}-\d{1,2}|\d{4}/\d{1,2}/\d{1,2}|\d{4}年\d{1,2}月\d{1,2}日"
_TIME = r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d{1,9})?)?"
TIMESTAMP_RE = rf"(?:{_DATE})(?:{_TIME})?"
# A date column also takes a midnight timestamp: Excel and Parquet often carry dates that way.
DATE_COLUMN_RE = rf"(?:{_DATE})(?:[ T]0?0:00(:00(\.0+)?)?)?"
INT_RE = r"[+-]?\d+(\.0*)?"  # '12.0' is an integer written by a spreadsheet; '1.5' is not
EXCEL_SERIAL_RE = r"\d+(\.\d+)?"
# Excel serials: 1 = 1900-01-01; 2958465 = 9999-12-31. Day 0 is 1899-12-30 for serials ≥ 61
# (Excel's 1900 leap-year bug makes earlier ones a day off; no such dates occur here).
EXCEL_SERIAL_MAX = 2958465

TYPE_WORDS = {"int": "integer", "bool": "boolean", "date": "date", "timestamp": "timestamp", "text": "text"}
SQL_TYPES = {"text": "VARCHAR", "int": "BIGINT", "bool": "BOOLEAN", "date": "DATE", "timestamp": "TIMESTAMP"}


def sql_str(value: str) -> str:
    """A SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def ident(name: str) -> str:
    """A quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


# Values needing the slow path: a full-width character, or white space at either end.
# `translate` costs ~1 µs per value, so the common clean value skips it (10x faster).
_WS_CLASS = "[\\s\\v\u3000\u00a0\ufeff]"
_NEEDS_WORK_RE = f"[\uff01-\uff5e\u3000]|^{_WS_CLASS}|{_WS_CLASS}$"


def normalized(raw_sql: str, column: Column) -> str:
    """Trimmed, full-width folded, empty → NULL."""
    if column.type == "text":
        folded = f"translate({raw_sql}, {sql_str(_FW_ALNUM)}, {sql_str(_HW_ALNUM)})"
    else:
        folded = f"translate({raw_sql}, {sql_str(_FW_ALL)}, {sql_str(_HW_ALL)})"
    return (
        f"CASE WHEN regexp_matches({raw_sql}, {sql_str(_NEEDS_WORK_RE)}) "
        f"THEN nullif(trim({folded}, {sql_str(WHITESPACE)}), '') ELSE nullif({raw_sql}, '') END"
    )


def _canonical_datetime(n: str) -> str:
    """'2020/1/5', '2020年1月5日 9:05' → '2020-1-5', '2020-1-5 9:05' (DuckDB casts those)."""
    return f"replace(replace(replace(replace(replace({n}, '/', '-'), '年', '-'), '月', '-'), '日', ''), 'T', ' ')"


def _excel_serial_days(n: str) -> str:
    return (
        f"CASE WHEN regexp_full_match({n}, {sql_str(EXCEL_SERIAL_RE)}) "
        f"AND TRY_CAST({n} AS DOUBLE) BETWEEN 1 AND {EXCEL_SERIAL_MAX} THEN TRY_CAST({n} AS DOUBLE) END"
    )


def parse(n: str, column: Column, xlsx_sql: str = "false") -> str:
    """Typed value of normalised text `n`; NULL if `n` is NULL or does not parse.

    `xlsx_sql` is a boolean SQL expression: true for rows from an XLSX file, where a bare
    number in a date/timestamp column is an Excel serial date.
    """
    t = column.type
    if t == "text":
        return n
    if t == "bool":
        trues = ", ".join(sql_str(w) for w in TRUE_WORDS)
        falses = ", ".join(sql_str(w) for w in FALSE_WORDS)
        return f"CASE WHEN lower({n}) IN ({trues}) THEN true WHEN lower({n}) IN ({falses}) THEN false END"
    if t == "int":
        return (
            f"CASE WHEN regexp_full_match({n}, {sql_str(INT_RE)}) "
            f"THEN TRY_CAST(regexp_extract({n}, '^[+-]?[0-9]+') AS BIGINT) END"
        )
    if t == "date":
        serial = _excel_serial_days(n)
        return (
            f"CASE WHEN regexp_full_match({n}, {sql_str(DATE_COLUMN_RE)}) "
            f"THEN TRY_CAST(TRY_CAST({_canonical_datetime(n)} AS TIMESTAMP) AS DATE) "
            f"WHEN {xlsx_sql} AND ({serial}) = floor({serial}) "
            f"THEN DATE '1899-12-30' + CAST(({serial}) AS INTEGER) END"
        )
    if t == "timestamp":
        serial = _excel_serial_days(n)
        return (
            f"CASE WHEN regexp_full_match({n}, {sql_str(TIMESTAMP_RE)}) "
            f"THEN TRY_CAST({_canonical_datetime(n)} AS TIMESTAMP) "
            f"WHEN {xlsx_sql} AND ({serial}) IS NOT NULL "
            f"THEN TIMESTAMP '1899-12-30 00:00:00' + to_seconds(CAST(round(({serial}) * 86400) AS BIGINT)) END"
        )
    raise ValueError(f"unknown column type {t!r}")


def header_key(name: object) -> str:
    """How a header cell is matched: NFKC (folds full-width), trimmed, case-folded."""
    text = "" if name is None else str(name)
    return unicodedata.normalize("NFKC", text).strip(WHITESPACE).casefold()

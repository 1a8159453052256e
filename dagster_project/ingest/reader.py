"""The reader process: the only process that ever holds a delivered file's text in clear.

A file's values are read here and written out at once as a *protected* Parquet file, personal
columns replaced by their HMAC (`Protection`). The loading process then stages that file and
never sees a personal value.

Why a process of its own: DuckDB writes its spilled blocks whole, and a block's unused tail is
whatever the allocator last kept in that memory. In a process that had held the delivered text,
that tail could carry a name or an ID number into the temp dir (seen in 2 of 3 full test runs).
So the process that reads the text has spilling switched off (`reader_connection`), streams the
file through (pyarrow's batches → the HMAC projection → Parquet) and keeps nothing; the process
that may spill has never held the text, so its stale memory holds none.

CSV is parsed by pyarrow's streaming reader, not DuckDB's read_csv: DuckDB silently skips
blank lines yet counts them in its reject line numbers and reports some bad lines twice, so
the line of a good row cannot be derived from it. pyarrow (single-threaded, in file order)
hands every record either to the output (blank lines included, as empty rows) or to the
invalid-row handler with its record number, so every good row's record number is computable
set-based (`files.py`). It also transcodes GB18030 in-stream: no decoded copy is written.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import os
import pickle
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from dagster_project.ingest import pii
from dagster_project.ingest.encoding import GB18030, detect_encoding
from dagster_project.ingest.errors import IngestError
from dagster_project.ingest.normalize import WHITESPACE, header_key, ident, normalized, sql_str
from zwfw_contract.sources import Column, Source

MAX_BAD_TEXT = 2000  # characters of a malformed CSV record kept for the rejects


@dataclass(frozen=True)
class Delivered:
    """One delivered file."""

    path: Path
    rel: str  # relative to raw_dir, '/'-separated: the `_file` of its rows
    display: str  # how messages name it: its absolute path, so an operator can open it
    format: str


@dataclass(frozen=True)
class Malformed:
    """A CSV record that could not be split into the header's fields."""

    line: int
    reason: str
    fields_found: int
    fields_expected: int
    text: str  # shortened to MAX_BAD_TEXT characters; empty when the source has personal columns


@dataclass(frozen=True)
class Protection:
    """How a source's personal columns are replaced as a file is read: by the HMAC of their
    normalised value (what validation would have loaded). `params` are the HMAC pads, bound
    parameters, so the key never appears in SQL text."""

    personal: dict[str, Column]  # header_key(name) -> column
    params: dict[str, bytes]

    @classmethod
    def of(cls, source: Source, pii_key: str) -> Protection:
        personal = {header_key(c.name): c for c in source.columns if c.pii}
        return cls(personal, pii.pads(pii_key) if personal else {})

    def select(self, header: list[str], raw: Callable[[int], str]) -> tuple[list[str], dict | None]:
        """The select expressions `c<i>` for a header (raw column SQL by position), and the params."""
        exprs = []
        for i, name in enumerate(header):
            column = self.personal.get(header_key(name))
            exprs.append(f"{pii.hmac_sql(normalized(raw(i), column)) if column else raw(i)} AS c{i}")
        protected = any(header_key(name) in self.personal for name in header)
        return exprs, (self.params if protected else None)


@dataclass
class ReadFile:
    """What the reader hands back: no value of the file, only where its protected copy is.

    `parquet` holds `_fno`, `c0..c<k>` (header order) and either `_line` (XLSX, Parquet) or, for
    CSV, `_ord` (0-based good-record ordinal) and `_nl` (newlines inside the record): the loading
    process numbers CSV lines from `bad` and `blank_records`, needed only if one of them, or
    `has_newlines`, says a record is not one line.
    """

    delivered: Delivered
    parquet: Path | None  # None for a file without a header (0 bytes, or only white space)
    header: list[str] = field(default_factory=list)
    encoding: str | None = None
    # CSV: (record number, details, newlines inside) of malformed records, and blank records.
    bad: list[tuple[int, Malformed, int]] = field(default_factory=list)
    blank_records: list[int] = field(default_factory=list)
    has_newlines: bool = False
    reader_pid: int = 0


def reader_connection() -> duckdb.DuckDBPyConnection:
    """An in-memory connection that can never write a temp file: out of memory is an error."""
    con = duckdb.connect(":memory:")
    con.execute("SET temp_directory = ''")
    return con


_con: duckdb.DuckDBPyConnection | None = None


def _connection() -> duckdb.DuckDBPyConnection:
    """The reader's one connection (connecting costs 14 ms, more than reading a small file):
    it keeps no table, only streams each file through."""
    global _con
    if _con is None:
        _con = reader_connection()
    return _con


def read(d: Delivered, fno: int, protection: Protection, out_dir: Path, csv_block_bytes: int) -> ReadFile:
    """Read one file into `out_dir/f<fno>.parquet`, protected; IngestError if it cannot be read.
    Runs in a reader process (`files.read_files`); CSV is parsed in blocks of `csv_block_bytes`."""
    result = ReadFile(d, None, reader_pid=os.getpid())
    before = _version(d.path)
    if before[0] == 0:
        return result
    out = Path(out_dir) / f"f{fno}.parquet"
    con = _connection()
    try:
        fno_column = f"{int(fno)}::INTEGER AS _fno"
        if d.format == "csv":
            _read_csv(con, d, protection, out, result, csv_block_bytes, fno_column)
        elif d.format == "xlsx":
            _read_xlsx(con, d, protection, out, result, fno_column)
        else:
            _read_parquet(con, d, protection, out, result, fno_column)
        if _version(d.path) != before:
            out.unlink(missing_ok=True)
            raise IngestError(
                "the file changed while it was read: deliver it again once it is complete", file=d.display
            )
        return result
    except IngestError:
        raise
    except (duckdb.Error, pa.ArrowException, OSError, ValueError, csv.Error) as exc:
        raise IngestError(f"cannot read {d.format.upper()} file: {exc}", file=d.display) from exc
    except Exception as exc:  # calamine raises its own types
        if type(exc).__module__.startswith("python_calamine"):
            raise IngestError(f"cannot read XLSX file: {exc}", file=d.display) from exc
        raise
    finally:
        with contextlib.suppress(duckdb.Error):
            con.unregister("delivered")


def _version(path: Path) -> tuple[int, int, int]:
    """What changes when a file is written to: size, modification time, inode (replaced)."""
    st = path.stat()
    return st.st_size, st.st_mtime_ns, st.st_ino


def _copy_protected(con, header: list[str], protection: Protection, keep: str, src: str, out: Path) -> None:
    """COPY `src`'s rows to `out`, the personal columns replaced: a stream, nothing kept."""
    values, params = protection.select(header, lambda i: f"c{i}")
    con.execute(
        f"COPY (SELECT {keep}{''.join(', ' + v for v in values)} FROM {src}) "
        f"TO {sql_str(str(out))} (FORMAT parquet, COMPRESSION zstd)",
        params,
    )


# --- CSV ---------------------------------------------------------------------------------


def _csv_header(d: Delivered, encoding: str) -> list[str] | None:
    """The first record; None if the file holds nothing but white space."""
    with open(d.path, encoding=encoding, newline="") as f:
        rows = csv.reader(f)
        for row in rows:
            if not any(cell.strip(WHITESPACE) for cell in row):
                if any(any(cell.strip(WHITESPACE) for cell in later) for later in rows):
                    raise IngestError("line 1 must be the header row, it is blank", file=d.display, line=1)
                return None
            if any("\n" in cell or "\r" in cell for cell in row):
                raise IngestError("the header row spans several lines", file=d.display, line=1)
            return row
    return None


def _read_csv(
    con, d: Delivered, protection: Protection, out: Path, result: ReadFile, block_bytes: int, fno_column: str
) -> None:
    encoding = detect_encoding(d.path, d.display)
    result.encoding = encoding
    header = _csv_header(d, encoding) if encoding else None
    if header is None:
        return
    names = [f"c{i}" for i in range(len(header))]
    keep_text = not protection.personal  # fields cannot be told apart here, so no text if any is PII

    def on_invalid(row: pacsv.InvalidRow) -> str:
        if not row.text.strip(WHITESPACE):
            result.blank_records.append(row.number)  # white space only: a blank line, not data
        else:
            if row.text.count('"') % 2:
                reason = "malformed CSV row (unterminated quote: the rest of the file is one value)"
            else:
                reason = f"malformed CSV row (expected {row.expected_columns} fields, found {row.actual_columns})"
            text = row.text[:MAX_BAD_TEXT] if keep_text else ""
            details = Malformed(0, reason, row.actual_columns, row.expected_columns, text)
            result.bad.append((row.number, details, row.text.count("\n")))
        return "skip"

    reader = pacsv.open_csv(
        d.path,
        read_options=pacsv.ReadOptions(
            use_threads=False,  # in file order, with record numbers for invalid rows
            column_names=names,
            skip_rows=1,
            block_size=block_bytes,
            encoding="gb18030" if encoding == GB18030 else "utf8",
        ),
        parse_options=pacsv.ParseOptions(
            delimiter=",",
            quote_char='"',
            double_quote=True,
            escape_char=False,
            newlines_in_values=True,
            ignore_empty_lines=False,
            invalid_row_handler=on_invalid,
        ),
        convert_options=pacsv.ConvertOptions(
            column_types={n: pa.string() for n in names},
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )
    out_schema = pa.schema([pa.field("_ord", pa.int64()), *reader.schema])

    def with_ordinal():
        offset = 0
        for batch in reader:
            ords = pa.array(np.arange(offset, offset + batch.num_rows, dtype=np.int64))
            offset += batch.num_rows
            yield pa.RecordBatch.from_arrays([ords, *batch.columns], schema=out_schema)

    con.register("delivered", pa.RecordBatchReader.from_batches(out_schema, with_ordinal()))
    # Newlines inside values are counted before personal values are replaced by their pseudonyms.
    newline_counts = " + ".join(f"(length({c}) - length(replace({c}, chr(10), '')))" for c in names)
    _copy_protected(con, header, protection, f"{fno_column}, _ord, {newline_counts} AS _nl", "delivered", out)
    result.has_newlines = con.execute("SELECT coalesce(max(_nl), 0) > 0 FROM read_parquet(?)", [str(out)]).fetchall()[
        0
    ][0]
    result.header = header
    result.parquet = out


# --- XLSX --------------------------------------------------------------------------------


def _cell_text(v: object) -> str | None:
    """A spreadsheet cell as the text a CSV export would hold."""
    if v is None or v == "":
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        if v.is_integer():
            return str(int(v))
        return repr(v)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, dt.datetime):
        if v.microsecond:  # Excel stores times as fractions of a day: round to the second
            v = (v + dt.timedelta(microseconds=500_000)).replace(microsecond=0)
        return v.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(v, dt.date):
        return v.strftime("%Y-%m-%d")
    if isinstance(v, dt.time):
        return v.strftime("%H:%M:%S")
    return str(v)


def _read_xlsx(con, d: Delivered, protection: Protection, out: Path, result: ReadFile, fno_column: str) -> None:
    import python_calamine

    workbook = python_calamine.CalamineWorkbook.from_path(str(d.path))
    if not workbook.sheet_names:
        return
    # skip_empty_area=False keeps row 0 = Excel row 1, so lines are the row numbers Excel shows.
    rows = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    header_at = next((i for i, row in enumerate(rows) if any(_cell_text(v) not in (None, "") for v in row)), None)
    if header_at is None:
        return
    header = [_cell_text(v) or "" for v in rows[header_at]]
    width = len(header)
    columns: list[list[str | None]] = [[] for _ in range(width)]
    lines: list[int] = []
    for i in range(header_at + 1, len(rows)):
        row = rows[i]
        lines.append(i + 1)
        for j in range(width):
            columns[j].append(_cell_text(row[j]) if j < len(row) else None)
    data = pa.table(
        {"_line": pa.array(lines, pa.int64()), **{f"c{j}": pa.array(col, pa.string()) for j, col in enumerate(columns)}}
    )
    con.register("delivered", data)
    _copy_protected(con, header, protection, f"{fno_column}, _line", "delivered", out)
    result.header = header
    result.parquet = out


# --- Parquet -----------------------------------------------------------------------------


def _read_parquet(con, d: Delivered, protection: Protection, out: Path, result: ReadFile, fno_column: str) -> None:
    src = f"read_parquet({sql_str(str(d.path))}, file_row_number = true)"
    described = con.execute(f"DESCRIBE SELECT * FROM {src}").fetchall()
    header = [name for name, *_ in described if name != "file_row_number"]
    # Casting every column to text lets a wrongly typed column fail per row in validation.
    renamed = ", ".join(f"CAST({ident(name)} AS VARCHAR) AS c{i}" for i, name in enumerate(header))
    _copy_protected(
        con,
        header,
        protection,
        f"{fno_column}, _line",
        f"(SELECT file_row_number + 2 AS _line{', ' + renamed if renamed else ''} FROM {src})",
        out,
    )
    result.header = header
    result.parquet = out


def serve() -> None:
    """The reader process's loop: a pickled `read` call in, `(ok, result or IngestError)` out.
    Its stdout is the reply channel, so anything else printing goes to stderr."""
    replies = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    requests = sys.stdin.buffer
    while True:
        try:
            args = pickle.load(requests)
        except EOFError:
            return
        try:
            reply = (True, read(*args))
        except IngestError as exc:
            reply = (False, exc)
        except Exception as exc:  # an unforeseen failure still names the file
            reply = (False, IngestError(f"cannot read file: {type(exc).__name__}: {exc}", file=args[0].display))
        pickle.dump(reply, replies)
        replies.flush()


if __name__ == "__main__":
    # Run the module under its own name, so that what it pickles names `dagster_project...`.
    from dagster_project.ingest import reader

    reader.serve()

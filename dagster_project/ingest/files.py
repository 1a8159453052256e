"""Finding a source's delivery and reading each file, all text, into an in-memory DuckDB table.

Every reader produces the same shape, so validation never cares about the format:
a table `f<n>` with `_line BIGINT` (header = line 1, first data row = line 2) and VARCHAR
columns `c0..c<k>` in header order, plus the header names and the malformed rows.

Personal columns are pseudonymised as the file's values are first materialised (`Protection`):
an in-memory table beyond its memory limit spills to disk, and no temp file may hold them in
clear. Only pyarrow's batches and calamine's rows, in this process's memory, ever see them.

CSV is parsed by pyarrow's streaming reader, not DuckDB's read_csv: DuckDB silently skips
blank lines yet counts them in its reject line numbers and reports some bad lines twice, so
the line of a good row cannot be derived from it. pyarrow (single-threaded, in file order)
hands every record either to the table (blank lines included, as empty rows) or to the
invalid-row handler with its record number, which makes every good row's record number
computable set-based. It also transcodes GB18030 in-stream, so no decoded copy with personal
data is written to disk. Record numbers are then turned into physical line numbers
(a quoted value may span lines) with one window sum, only when some value holds a newline.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from dagster_project.ingest.encoding import GB18030, detect_encoding
from dagster_project.ingest.errors import IngestError
from dagster_project.ingest.normalize import WHITESPACE, ident, sql_str
from zwfw_contract.sources import Source

FORMATS = ("csv", "xlsx", "parquet")
CSV_BLOCK_BYTES = 16 << 20
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
    text: str  # shortened to MAX_BAD_TEXT characters


@dataclass(frozen=True)
class Protection:
    """How a file's personal columns are replaced as it is read.

    `columns(header)` maps a header position to a function from that column's raw SQL to the SQL
    of its pseudonym; `params` are the bound parameters those expressions use (the HMAC pads:
    the key never appears in SQL text).
    """

    columns: Callable[[list[str]], dict[int, Callable[[str], str]]]
    params: dict[str, object]

    def select(self, header: list[str], raw: Callable[[int], str]) -> tuple[list[str], dict | None]:
        """The select expressions `c<i>` for a header (raw column SQL by position), and the params."""
        protected = self.columns(header)
        exprs = [f"{protected[i](raw(i)) if i in protected else raw(i)} AS c{i}" for i in range(len(header))]
        return exprs, (self.params if protected else None)


@dataclass
class StagedFile:
    """A file read into the in-memory connection."""

    delivered: Delivered
    table: str | None  # None for a file without a header (0 bytes, or only white space)
    header: list[str] = field(default_factory=list)
    encoding: str | None = None
    malformed: list[Malformed] = field(default_factory=list)
    # Statements dropping the file's in-memory objects once its rows are copied out.
    cleanup: list[str] = field(default_factory=list)


def _is_data_file(p: Path) -> bool:
    return (
        p.is_file()
        and p.suffix.lower().lstrip(".") in FORMATS
        and not p.name.startswith((".", "~$"))  # hidden files, Excel lock files
    )


def discover(source: Source, raw_dir: Path, snapshot_date: dt.date) -> list[Delivered] | None:
    """The delivery's files sorted by name; None if the source was not delivered."""
    day = snapshot_date.isoformat()
    folder = raw_dir / day
    shown = str(folder.absolute())

    def delivered(p: Path) -> Delivered:
        rel = p.relative_to(raw_dir).as_posix()
        return Delivered(p, rel, str(p.absolute()), p.suffix.lower().lstrip("."))

    singles = []
    subdir = None
    if folder.is_dir():
        for p in folder.iterdir():
            if p.stem.lower() != source.name.lower():
                continue
            if p.is_dir() and p.name.lower() == source.name.lower():
                subdir = p
            elif _is_data_file(p):
                singles.append(p)
    candidates = sorted(singles, key=lambda p: p.name)
    if subdir is not None:
        candidates.append(subdir)
    if len(candidates) > 1:
        names = ", ".join(f"{shown}/{p.name}" for p in candidates)
        raise IngestError(f"ambiguous delivery of {source.name}: {names} (deliver exactly one)", file=shown)
    if subdir is not None:
        files = sorted((p for p in subdir.iterdir() if _is_data_file(p)), key=lambda p: p.name)
        if files:
            return [delivered(p) for p in files]
    elif singles:
        return [delivered(singles[0])]
    return None


def missing_message(source: Source, raw_dir: Path, snapshot_date: dt.date) -> str:
    base = str((raw_dir / snapshot_date.isoformat() / source.name).absolute())
    return (
        f"missing required file: expected {base}.csv, {base}.xlsx, {base}.parquet "
        f"or {base}/*.(csv|xlsx|parquet) ({source.name} is a reference source, delivered every snapshot)"
    )


def read_file(con: duckdb.DuckDBPyConnection, d: Delivered, fno: int, protection: Protection) -> StagedFile:
    """Read one file into in-memory table `f<fno>`; IngestError if it cannot be read."""
    table = f"f{fno}"
    if d.path.stat().st_size == 0:
        return StagedFile(d, None)
    try:
        if d.format == "csv":
            return _read_csv(con, d, table, protection)
        if d.format == "xlsx":
            return _read_xlsx(con, d, table, protection)
        return _read_parquet(con, d, table, protection)
    except IngestError:
        raise
    except (duckdb.Error, pa.ArrowException, OSError, ValueError, csv.Error) as exc:
        raise IngestError(f"cannot read {d.format.upper()} file: {exc}", file=d.display) from exc
    except Exception as exc:  # calamine raises its own types
        if type(exc).__module__.startswith("python_calamine"):
            raise IngestError(f"cannot read XLSX file: {exc}", file=d.display) from exc
        raise


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


def _read_csv(con: duckdb.DuckDBPyConnection, d: Delivered, table: str, protection: Protection) -> StagedFile:
    encoding = detect_encoding(d.path, d.display)
    staged = StagedFile(d, None, encoding=encoding)
    header = _csv_header(d, encoding) if encoding else None
    if header is None:
        return staged
    staged.header = header
    staged.table = table
    names = [f"c{i}" for i in range(len(header))]
    bad: list[tuple[int, Malformed, int]] = []  # (record number, details, newlines inside)
    blank_records: list[int] = []

    def on_invalid(row: pacsv.InvalidRow) -> str:
        if not row.text.strip(WHITESPACE):
            blank_records.append(row.number)  # white space only: a blank line, not data
        else:
            if row.text.count('"') % 2:
                reason = "malformed CSV row (unterminated quote: the rest of the file is one value)"
            else:
                reason = f"malformed CSV row (expected {row.expected_columns} fields, found {row.actual_columns})"
            details = Malformed(0, reason, row.actual_columns, row.expected_columns, row.text[:MAX_BAD_TEXT])
            bad.append((row.number, details, row.text.count("\n")))
        return "skip"

    reader = pacsv.open_csv(
        d.path,
        read_options=pacsv.ReadOptions(
            use_threads=False,  # in file order, with record numbers for invalid rows
            column_names=names,
            skip_rows=1,
            block_size=CSV_BLOCK_BYTES,
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

    stream = pa.RecordBatchReader.from_batches(out_schema, with_ordinal())
    con.register(f"{table}_arrow", stream)
    # Newlines inside values are counted before personal values are replaced by their pseudonyms.
    newline_counts = " + ".join(f"(length({c}) - length(replace({c}, chr(10), '')))" for c in names)
    values, params = protection.select(header, lambda i: names[i])
    con.execute(
        f"CREATE TABLE {table}_rec AS SELECT _ord, {', '.join(values)}, {newline_counts} AS _nl "
        f"FROM {table}_arrow",
        params,
    )
    con.unregister(f"{table}_arrow")

    # Record number of each good row: the records not handed to the handler, in order.
    skipped = sorted([(n, nl) for n, _, nl in bad] + [(n, 0) for n in blank_records])
    con.execute(f"CREATE TABLE {table}_skip (_rec BIGINT, _nl BIGINT)")
    if skipped:
        con.executemany(f"INSERT INTO {table}_skip VALUES (?, ?)", skipped)
        rec_expr = "d._ord + 2 + coalesce(t.cnt, 0)"
        join = (
            f"ASOF LEFT JOIN (SELECT thr, max(j) AS cnt FROM (SELECT _rec - 1 - "
            f"row_number() OVER (ORDER BY _rec) AS thr, row_number() OVER (ORDER BY _rec) AS j "
            f"FROM {table}_skip) GROUP BY thr) t ON d._ord >= t.thr"
        )
    else:
        rec_expr, join = "d._ord + 2", ""
    # Views, not copies: rows_raw is the one materialisation of the text (2M rows ≈ 0.5 s a copy).
    con.execute(
        f"CREATE VIEW {table}_num AS SELECT {rec_expr} AS _rec, d.* EXCLUDE (_ord) FROM {table}_rec d {join}"
    )
    has_newlines = any(nl for _, _, nl in bad) or con.execute(
        f"SELECT coalesce(bool_or(_nl > 0), false) FROM {table}_rec"
    ).fetchall()[0][0]
    if has_newlines:
        # Physical line of a record = its record number + newlines inside earlier records.
        con.execute(
            f"""CREATE TABLE {table}_lines AS
            SELECT _rec, _rec + coalesce(sum(_nl) OVER (ORDER BY _rec ROWS BETWEEN UNBOUNDED PRECEDING
                AND 1 PRECEDING), 0) AS _line
            FROM (SELECT _rec, _nl FROM {table}_num
                  UNION ALL SELECT _rec, _nl FROM {table}_skip)"""
        )
        con.execute(
            f"CREATE VIEW {table} AS SELECT l._line, n.* EXCLUDE (_rec, _nl) "
            f"FROM {table}_num n JOIN {table}_lines l USING (_rec)"
        )
        line_of = dict(
            con.execute(f"SELECT s._rec, l._line FROM {table}_skip s JOIN {table}_lines l USING (_rec)").fetchall()
        )
    else:
        con.execute(f"CREATE VIEW {table} AS SELECT _rec AS _line, * EXCLUDE (_rec, _nl) FROM {table}_num")
        line_of = {n: n for n, _, _ in bad}
    staged.cleanup = [
        f"DROP VIEW {table}",
        f"DROP VIEW {table}_num",
        f"DROP TABLE IF EXISTS {table}_lines",
        f"DROP TABLE {table}_skip",
        f"DROP TABLE {table}_rec",
    ]
    staged.malformed = [dataclasses.replace(m, line=line_of[n]) for n, m, _ in bad]
    return staged


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


def _read_xlsx(con: duckdb.DuckDBPyConnection, d: Delivered, table: str, protection: Protection) -> StagedFile:
    import python_calamine

    staged = StagedFile(d, None)
    workbook = python_calamine.CalamineWorkbook.from_path(str(d.path))
    if not workbook.sheet_names:
        return staged
    # skip_empty_area=False keeps row 0 = Excel row 1, so lines are the row numbers Excel shows.
    rows = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    header_at = next(
        (i for i, row in enumerate(rows) if any(_cell_text(v) not in (None, "") for v in row)), None
    )
    if header_at is None:
        return staged
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
    con.register(f"{table}_arrow", data)
    values, params = protection.select(header, lambda j: f"c{j}")
    con.execute(f"CREATE TABLE {table} AS SELECT _line{''.join(', ' + v for v in values)} FROM {table}_arrow", params)
    con.unregister(f"{table}_arrow")
    del data, columns, rows
    staged.header = header
    staged.table = table
    staged.cleanup = [f"DROP TABLE {table}"]
    return staged


# --- Parquet -----------------------------------------------------------------------------


def _read_parquet(con: duckdb.DuckDBPyConnection, d: Delivered, table: str, protection: Protection) -> StagedFile:
    src = f"read_parquet({sql_str(str(d.path))}, file_row_number = true)"
    described = con.execute(f"DESCRIBE SELECT * FROM {src}").fetchall()
    header = [name for name, *_ in described if name != "file_row_number"]
    # Casting every column to text lets a wrongly typed column fail per row in validation.
    values, params = protection.select(header, lambda i: f"CAST({ident(header[i])} AS VARCHAR)")
    con.execute(
        f"CREATE TABLE {table} AS SELECT file_row_number + 2 AS _line{''.join(', ' + v for v in values)} FROM {src}",
        params,
    )
    return StagedFile(d, table, header=header, cleanup=[f"DROP TABLE {table}"])


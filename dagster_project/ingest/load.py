"""Load one source's delivery for one snapshot into the lake (`dagster_project/lake.py`).

Each file is read by the reader process (`reader.py`), which pseudonymises its personal columns
as it reads; this process works only on those protected copies, in an in-memory DuckDB
connection that spills to a private temp dir, so neither the spill nor its stale memory ever
held a personal value. Only validated, typed rows leave it: the partition
`<lake>/<source>/snapshot_date=D/` (rows, rejects, per-file counts) is written aside and
renamed into place, so a failure or a kill changes nothing and a re-load replaces that
partition alone.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from dagster_project import config
from dagster_project import lake as lake_layout
from dagster_project.ingest import validate
from dagster_project.ingest.errors import IngestError
from dagster_project.ingest.files import Delivered, Protection, StagedFile, discover, missing_message, read_files
from dagster_project.ingest.normalize import SQL_TYPES, WHITESPACE, header_key, ident, sql_str
from zwfw_contract.sources import Source, get_source

log = logging.getLogger(__name__)

MAX_RAW_CHARS = 2000  # of one value kept in a reject's raw_values; the file has the rest
SHANGHAI = dt.timezone(dt.timedelta(hours=8))  # no DST in China; timestamps are local wall time

# The columns of a partition's files; `snapshot_date` is the partition itself.
REJECTS_COLUMNS = (
    ("source", "VARCHAR"),
    ("file", "VARCHAR"),
    ("line", "BIGINT"),
    ("column_name", "VARCHAR"),
    ("reason", "VARCHAR"),
    ("raw_values", "VARCHAR"),
    ("loaded_at", "TIMESTAMP"),
)
LOAD_FILES_COLUMNS = (
    ("source", "VARCHAR"),
    ("file", "VARCHAR"),
    ("format", "VARCHAR"),
    ("encoding", "VARCHAR"),
    ("rows_read", "BIGINT"),
    ("rows_loaded", "BIGINT"),
    ("rows_rejected", "BIGINT"),
    ("loaded_at", "TIMESTAMP"),
)


@dataclass(frozen=True)
class FileCount:
    file: str  # relative to raw_dir
    format: str  # 'csv' | 'xlsx' | 'parquet'
    encoding: str | None  # 'utf-8' | 'utf-8-sig' | 'gb18030' for CSV, else None
    rows_read: int
    rows_loaded: int
    rows_rejected: int


@dataclass(frozen=True)
class LoadResult:
    source: str
    snapshot_date: dt.date
    absent: bool
    files: list[FileCount] = field(default_factory=list)

    @property
    def rows_read(self) -> int:
        return sum(f.rows_read for f in self.files)

    @property
    def rows_loaded(self) -> int:
        return sum(f.rows_loaded for f in self.files)

    @property
    def rows_rejected(self) -> int:
        return sum(f.rows_rejected for f in self.files)


def source_table_columns(source: Source) -> list[tuple[str, str]]:
    """The columns of `raw.<source>` as dbt reads it: the partition, the registry's, file and line."""
    return [
        ("snapshot_date", "DATE"),
        *((c.name, SQL_TYPES[c.type]) for c in source.columns),
        ("_file", "VARCHAR"),
        ("_line", "BIGINT"),
    ]


def ingest_source(
    source_name: str,
    raw_dir: Path,
    snapshot_date: dt.date,
    lake: Path,
    pii_key: str,
    memory_limit: str = config.DEFAULT_INGEST_MEMORY_LIMIT,
    chunk_bytes: int = config.chunk_bytes(config.DEFAULT_INGEST_CHUNK_MB),
) -> LoadResult:
    """Validate and load `raw_dir/<snapshot_date>/<source>.*` into the lake partition of the snapshot.

    Re-running replaces the snapshot's partition of the source (idempotent). Raises IngestError
    for a missing reference delivery, a missing required column or an unreadable file; an absent
    event source returns `absent=True` and changes nothing (except that a source the lake has
    never seen gets an empty partition, so that readers always find its columns).
    """
    source = get_source(source_name)
    raw_dir = Path(raw_dir)
    lake = Path(lake)
    delivered = discover(source, raw_dir, snapshot_date)
    if delivered is None:
        if source.kind == "reference":
            raise IngestError(
                missing_message(source, raw_dir, snapshot_date),
                file=f"{raw_dir.name}/{snapshot_date.isoformat()}/{source.name}",
            )
        log.info("%s: not delivered for %s", source.name, snapshot_date)
        if not any((lake / source.name).glob("snapshot_date=*")):
            _write_empty(source, lake, snapshot_date)
        return LoadResult(source.name, snapshot_date, absent=True, files=[])

    with tempfile.TemporaryDirectory(prefix="zwfw-ingest-") as tmp:
        con = duckdb.connect(":memory:")
        try:
            # Spills of the in-memory database stay in a private temp dir; the memory limit
            # makes a large delivery spill there instead of failing.
            con.execute(f"SET temp_directory = {sql_str(tmp)}")
            con.execute(f"SET memory_limit = {sql_str(memory_limit)}")
            return _load(
                con, source, delivered, snapshot_date, lake, Protection.of(source, pii_key), Path(tmp), chunk_bytes
            )
        finally:
            con.close()


# --- staging -----------------------------------------------------------------------------


def _column_map(source: Source, staged: StagedFile) -> dict[str, str]:
    """Registry column → position column (c<i>) of the file; raises for a missing required one."""
    found: dict[str, str] = {}
    wanted = {header_key(c.name): c.name for c in source.columns}
    for i, name in enumerate(staged.header):
        col = wanted.get(header_key(name))
        if col is None:
            continue  # unknown columns are ignored
        if col in found:
            raise IngestError(f"duplicate column {col!r}", file=staged.delivered.display)
        found[col] = f"c{i}"
    missing = [c.name for c in source.columns if c.required and c.name not in found]
    if missing:
        names = ", ".join(repr(m) for m in missing)
        plural = "s" if len(missing) > 1 else ""
        raise IngestError(f"missing required column{plural} {names}", file=staged.delivered.display)
    return found


def _stage(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    chunk: list[tuple[int, Delivered]],
    protection: Protection,
    tmp: Path,
) -> list[StagedFile]:
    """Read a chunk's files (numbered `fno` in the delivery) into protected copies in `tmp` and
    build `rows_raw` (a view over them) and `malformed`. `_drop_staged` drops them again."""
    staged = read_files(con, chunk, protection, tmp)
    selects = []
    tables = set()
    for s in staged:
        if s.table is None or s.table in tables:  # files of one header share a view
            continue
        tables.add(s.table)
        mapping = _column_map(source, s)
        cols = ", ".join(
            f"{mapping[c.name]} AS {ident(c.name)}" if c.name in mapping else f"NULL::VARCHAR AS {ident(c.name)}"
            for c in source.columns
        )
        # A record whose every field is empty carries no data: not a row (blank lines, ',,,').
        blank = (
            " AND ".join(f"coalesce(trim(c{i}, {sql_str(WHITESPACE)}), '') = ''" for i in range(len(s.header)))
            or "true"
        )
        selects.append(
            f"SELECT _fno, _line, {str(s.delivered.format == 'xlsx').lower()} AS _xlsx, {cols} "
            f"FROM {s.table} WHERE NOT ({blank})"
        )
    if selects:
        con.execute("CREATE VIEW rows_raw AS " + " UNION ALL ".join(selects))
    else:
        cols = ", ".join(f"NULL::VARCHAR AS {ident(c.name)}" for c in source.columns)
        con.execute(
            f"CREATE VIEW rows_raw AS SELECT NULL::INTEGER AS _fno, NULL::BIGINT AS _line, "
            f"NULL::BOOLEAN AS _xlsx, {cols} WHERE false"
        )
    con.execute("CREATE TABLE malformed (_fno INTEGER, _line BIGINT, reason VARCHAR, raw_values VARCHAR)")
    rows = []
    for (fno, _), s in zip(chunk, staged):
        for m in s.malformed:
            values: dict[str, object] = {"_fields_found": m.fields_found, "_fields_expected": m.fields_expected}
            if not source.pii_columns:  # fields cannot be told apart here, so no text if any is PII
                values["_text"] = m.text
            rows.append((fno, m.line, m.reason, json.dumps(values, ensure_ascii=False)))
    if rows:
        con.executemany("INSERT INTO malformed VALUES (?, ?, ?, ?)", rows)
    return staged


def _check_rows(con: duckdb.DuckDBPyConnection, source: Source) -> None:
    con.execute("CREATE VIEW parsed AS " + validate.parsed_sql(source))
    con.execute("CREATE TABLE checked AS " + validate.checked_sql(source))
    con.execute("DROP VIEW parsed")


# --- lake --------------------------------------------------------------------------------


def _copy(con: duckdb.DuckDBPyConnection, select: str, path: Path) -> None:
    con.execute(f"COPY ({select}) TO {sql_str(str(path))} (FORMAT parquet, COMPRESSION zstd)")


def _load(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    delivered: list[Delivered],
    snapshot_date: dt.date,
    lake: Path,
    protection: Protection,
    tmp: Path,
    chunk_bytes: int,
) -> LoadResult:
    """Validate the delivery chunk by chunk (`chunks`) and write its partition.

    Memory holds one chunk at a time; each chunk's loaded rows go straight to their own
    `part-<k>.parquet`. Duplicate keys are a rule over the whole delivery: with one chunk they
    are found in memory, with several over the written parts (a narrow scan), and the few
    rejected rows are then taken out of their part and their values re-read from their file.
    """
    loaded_at = dt.datetime.now(SHANGHAI).replace(tzinfo=None, microsecond=0)
    if source.dept_column:
        departments = lake_layout.partition_dir(lake, "departments", snapshot_date) / lake_layout.DATA_FILE
        if not departments.exists():
            raise IngestError(
                f"{source.name}: the lake holds no departments for {snapshot_date.isoformat()} "
                f"({departments}); departments must be loaded first"
            )
        con.execute(
            f"CREATE TABLE depts AS SELECT DISTINCT dept_id FROM read_parquet({sql_str(str(departments))}) "
            "WHERE dept_id IS NOT NULL"
        )
    con.execute("CREATE TABLE files (_fno INTEGER, file VARCHAR)")
    con.executemany("INSERT INTO files VALUES (?, ?)", [(i, d.rel) for i, d in enumerate(delivered)])
    groups = chunks(delivered, chunk_bytes)
    stamp = f"TIMESTAMP {sql_str(loaded_at.isoformat(sep=' '))}"
    cols = ", ".join(f"c.{ident(c.name)}" for c in source.columns)
    staged_all: list[StagedFile | None] = [None] * len(delivered)
    counts: dict[int, list[int]] = {}  # fno -> [read, rejected]
    rejects_parts: list[Path] = []
    file_counts: list[FileCount] = []

    def write(folder: Path) -> None:
        parts = []
        for k, chunk in enumerate(groups):
            staged = _stage(con, source, chunk, protection, tmp)
            for (fno, _), st in zip(chunk, staged):
                staged_all[fno] = st
            _check_rows(con, source)
            if source.dept_column:
                con.execute(validate.dept_update_sql(source))
            if source.version_column:
                con.execute(validate.version_update_sql(source, f"{snapshot_date.isoformat()} 23:59:59"))
            if source.key and len(groups) == 1:
                con.execute(validate.duplicate_update_sql(source))
            for fno, read, rejected in _chunk_counts(con):
                counts[fno] = [read, rejected]
            part = folder / f"part-{k}.parquet"
            _copy(
                con,
                f"""SELECT {cols}, f.file AS _file, c._line::BIGINT AS _line
                FROM checked c JOIN files f USING (_fno) WHERE c._reason IS NULL ORDER BY c._fno, c._line""",
                part,
            )
            parts.append(part)
            rejects_parts.append(tmp / f"rejects-{k}.parquet")
            # The few rejected rows first, so that the join with the rows as read builds on them.
            con.execute(
                "CREATE TABLE rejected AS SELECT _fno, _line, _col, _reason FROM checked WHERE _reason IS NOT NULL"
            )
            _copy(
                con,
                _rejects_sql(source, stamp, "rejected c JOIN rows_raw r USING (_fno, _line)", with_malformed=True),
                rejects_parts[-1],
            )
            con.execute("DROP TABLE rejected")
            con.execute("DROP TABLE checked")
            _drop_staged(con, staged)
        if source.key and len(groups) > 1:
            _cross_chunk_duplicates(con, source, groups, parts, protection, stamp, tmp, counts, rejects_parts)
        _copy(
            con,
            f"SELECT * EXCLUDE (_fno) FROM {_parts(rejects_parts)} ORDER BY _fno, line",
            folder / lake_layout.REJECTS_FILE,
        )
        if source.kind == "reference" and not counts:
            raise IngestError(
                f"{source.name}: the delivery holds no rows; {source.name} is a full snapshot, which this would empty",
                file=delivered[0].display,
            )
        for fno, (d, st) in enumerate(zip(delivered, staged_all)):
            read, rejected = counts.get(fno, (0, 0))
            file_counts.append(FileCount(d.rel, d.format, st.encoding if st else None, read, read - rejected, rejected))
        con.execute(
            "CREATE OR REPLACE TABLE load_counts (source VARCHAR, file VARCHAR, format VARCHAR, "
            "encoding VARCHAR, rows_read BIGINT, rows_loaded BIGINT, rows_rejected BIGINT, loaded_at TIMESTAMP)"
        )
        con.executemany(
            "INSERT INTO load_counts VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    source.name,
                    fc.file,
                    fc.format,
                    fc.encoding,
                    fc.rows_read,
                    fc.rows_loaded,
                    fc.rows_rejected,
                    loaded_at,
                )
                for fc in file_counts
            ],
        )
        _copy(con, "SELECT * FROM load_counts ORDER BY file", folder / lake_layout.LOAD_FILES_FILE)

    lake_layout.write_partition(lake_layout.partition_dir(lake, source.name, snapshot_date), write)
    result = LoadResult(source.name, snapshot_date, absent=False, files=file_counts)
    log.info(
        "%s %s: read %d, loaded %d, rejected %d (%d chunk%s)",
        source.name,
        snapshot_date,
        result.rows_read,
        result.rows_loaded,
        result.rows_rejected,
        len(groups),
        "" if len(groups) == 1 else "s",
    )
    return result


def chunks(delivered: list[Delivered], chunk_bytes: int) -> list[list[tuple[int, Delivered]]]:
    """The delivery's files (numbered in delivery order) in consecutive groups of about
    `chunk_bytes` on disk: a group closes once it reaches that size, so one file is never split."""
    groups: list[list[tuple[int, Delivered]]] = [[]]
    size = 0
    for fno, d in enumerate(delivered):
        if groups[-1] and size >= chunk_bytes:
            groups.append([])
            size = 0
        groups[-1].append((fno, d))
        size += d.path.stat().st_size
    return groups


def _sql_list(paths: list[Path]) -> str:
    return "[" + ", ".join(sql_str(str(p)) for p in paths) + "]"


def _parts(paths: list[Path]) -> str:
    """The chunks' parts as written, without a column from their (hidden, `name=value`) folder."""
    return f"read_parquet({_sql_list(paths)}, hive_partitioning = false)"


def _rejects_sql(source: Source, stamp: str, rejected_from: str, with_malformed: bool) -> str:
    """Reject rows (with `_fno` for ordering) of `rejected_from`, which binds `c` (the checked
    row: `_col`, `_reason`) and `r` (its row as read, personal values already pseudonymised)."""
    raw_json = ", ".join(
        f"{sql_str(c.name)}, CASE WHEN length(r.{ident(c.name)}) > {MAX_RAW_CHARS} "
        f"THEN left(r.{ident(c.name)}, {MAX_RAW_CHARS}) || '…' ELSE r.{ident(c.name)} END"
        for c in source.columns
    )
    malformed = "UNION ALL SELECT _fno, _line, NULL, reason, raw_values FROM malformed" if with_malformed else ""
    return f"""SELECT x._fno, {sql_str(source.name)} AS source, f.file, x._line::BIGINT AS line,
            x.column_name::VARCHAR AS column_name, x.reason::VARCHAR AS reason,
            x.raw_values::VARCHAR AS raw_values, {stamp} AS loaded_at
        FROM (
            SELECT c._fno, c._line, c._col AS column_name, c._reason AS reason,
                   json_object({raw_json})::VARCHAR AS raw_values
            FROM {rejected_from}
            {malformed}
        ) x JOIN files f USING (_fno)
        ORDER BY x._fno, x._line"""


def _chunk_counts(con: duckdb.DuckDBPyConnection) -> list[tuple[int, int, int]]:
    """(fno, read, rejected) of the chunk's files that have rows."""
    return con.execute(
        """SELECT _fno, sum(n_read)::BIGINT, sum(n_rejected)::BIGINT FROM (
            SELECT _fno, count(*) AS n_read, count(_reason) AS n_rejected FROM checked GROUP BY _fno
            UNION ALL SELECT _fno, count(*), count(*) FROM malformed GROUP BY _fno
        ) GROUP BY _fno"""
    ).fetchall()


def _drop_staged(con: duckdb.DuckDBPyConnection, staged: list[StagedFile]) -> None:
    """Drop what `_stage` built."""
    con.execute("DROP TABLE malformed")
    con.execute("DROP VIEW rows_raw")
    for st in staged:
        for statement in st.cleanup:
            con.execute(statement)
        if st.parquet is not None:
            st.parquet.unlink(missing_ok=True)


def _cross_chunk_duplicates(con, source, groups, parts, protection, stamp, tmp, counts, rejects_parts) -> None:
    """Apply the duplicate rule over every chunk's loaded rows: take the rejected rows out of
    their parts, and record them with their values as read (their files are read again).

    Only the rows of a key (and version) that occurs more than once are materialised: a narrow
    aggregate over the parts finds them, so memory holds the few candidates, not the delivery.
    """
    cols = ", ".join(ident(c.name) for c in source.columns)
    partition = validate.duplicate_partition(source)
    con.execute(f"""CREATE TABLE checked AS
        SELECT f._fno, p._line, {cols}, NULL::VARCHAR AS _col, NULL::VARCHAR AS _reason
        FROM {_parts(parts)} p JOIN files f ON f.file = p._file
        SEMI JOIN (SELECT {partition} FROM {_parts(parts)} GROUP BY ALL HAVING count(*) > 1) k USING ({partition})""")
    con.execute(validate.duplicate_update_sql(source))
    con.execute("CREATE TABLE dups AS SELECT _fno, _line, _col, _reason FROM checked WHERE _reason IS NOT NULL")
    con.execute("DROP TABLE checked")
    affected = [fno for (fno,) in con.execute("SELECT DISTINCT _fno FROM dups ORDER BY 1").fetchall()]
    chunk_of = {fno: k for k, chunk in enumerate(groups) for fno, _ in chunk}
    delivered = {fno: d for chunk in groups for fno, d in chunk}
    for fno in affected:
        staged = _stage(con, source, [(fno, delivered[fno])], protection, tmp)
        expected, found = con.execute(
            "SELECT count(*), count(r._line) FROM dups LEFT JOIN rows_raw r USING (_fno, _line) WHERE dups._fno = ?",
            [fno],
        ).fetchall()[0]
        if found != expected:
            raise IngestError("the file changed while it was read (a row it held is gone)", file=delivered[fno].display)
        rejects_parts.append(tmp / f"rejects-dup-{fno}.parquet")
        _copy(
            con,
            _rejects_sql(
                source, stamp, f"dups c JOIN rows_raw r USING (_fno, _line) WHERE c._fno = {fno}", with_malformed=False
            ),
            rejects_parts[-1],
        )
        _drop_staged(con, staged)
        counts[fno][1] += expected
    for k in sorted({chunk_of[fno] for fno in affected}):
        part = parts[k]
        kept = part.with_name(f".{part.name}.kept")
        _copy(
            con,
            f"""SELECT p.* FROM {_parts([part])} p JOIN files f ON f.file = p._file
            ANTI JOIN dups d ON d._fno = f._fno AND d._line = p._line ORDER BY f._fno, p._line""",
            kept,
        )
        kept.replace(part)


def _empty(columns) -> str:
    return "SELECT " + ", ".join(f"NULL::{t} AS {ident(n)}" for n, t in columns) + " WHERE false"


def _write_empty(source: Source, lake: Path, snapshot_date: dt.date) -> None:
    con = duckdb.connect(":memory:")
    try:

        def write(folder: Path) -> None:
            _copy(con, _empty(source_table_columns(source)[1:]), folder / lake_layout.DATA_FILE)
            _copy(con, _empty(REJECTS_COLUMNS), folder / lake_layout.REJECTS_FILE)
            _copy(con, _empty(LOAD_FILES_COLUMNS), folder / lake_layout.LOAD_FILES_FILE)

        lake_layout.write_partition(lake_layout.partition_dir(lake, source.name, snapshot_date), write)
    finally:
        con.close()

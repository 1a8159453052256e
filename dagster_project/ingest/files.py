"""Finding a source's delivery, and staging each file's protected copy for validation.

Every file is read by the reader process (`reader.py`), which writes it out as Parquet with
its personal columns already pseudonymised. Staging turns that copy into the one shape
validation knows, whatever the format: a view `f<n>` with `_line BIGINT` (header = line 1,
first data row = line 2) and VARCHAR columns `c0..c<k>` in header order. For CSV the line of a
good row is computed here, set-based: from its ordinal among good records and the record
numbers pyarrow skipped (malformed or blank), and, only when some value holds a newline, one
window sum turning record numbers into physical lines.
"""

from __future__ import annotations

import atexit
import contextlib
import dataclasses
import datetime as dt
import os
import pickle
import queue
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from dagster_project.ingest import reader
from dagster_project.ingest.errors import IngestError
from dagster_project.ingest.normalize import sql_str
from dagster_project.ingest.reader import Delivered, Malformed, Protection, ReadFile
from zwfw_contract.sources import Source

__all__ = ["Delivered", "Malformed", "Protection", "StagedFile", "discover", "missing_message", "read_files"]

FORMATS = ("csv", "xlsx", "parquet")
CSV_BLOCK_BYTES = 16 << 20
READERS = max(1, min(2, os.cpu_count() or 1))  # files of a chunk are read side by side


@dataclass
class StagedFile:
    """A file's protected copy, staged in the loading connection."""

    delivered: Delivered
    table: str | None  # None for a file without a header (0 bytes, or only white space)
    header: list[str] = field(default_factory=list)
    encoding: str | None = None
    malformed: list[Malformed] = field(default_factory=list)
    reader_pid: int = 0
    parquet: Path | None = None  # the protected copy, deleted with the staged objects
    # Statements dropping the file's staged objects once its rows are copied out.
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

    zone = raw_dir.resolve()

    def delivered(p: Path) -> Delivered:
        rel = p.relative_to(raw_dir).as_posix()
        target = p.resolve()
        if not target.is_relative_to(zone):  # a symlink (or a `..` in one) leading out of raw_dir
            raise IngestError(
                f"refusing to read {target}: it is outside the landing zone {zone}", file=str(p.absolute())
            )
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


class _Reader:
    """One reader process (`python -m dagster_project.ingest.reader`), fed pickled calls on its
    stdin. A fresh interpreter, not a fork: it inherits no memory (no stale text, no open
    files, no build lock) and runs none of the caller's main module."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", reader.__name__], stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )

    def read(self, *args) -> ReadFile:
        pickle.dump(args, self.proc.stdin)
        self.proc.stdin.flush()
        ok, value = pickle.load(self.proc.stdout)
        if not ok:
            raise value
        return value

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.proc.stdin.close()  # the reader exits at end of input
        self.proc.wait()


class _Readers:
    """Up to READERS reader processes, started on first use and kept for the process's life."""

    def __init__(self) -> None:
        self.idle: queue.SimpleQueue[_Reader] = queue.SimpleQueue()
        self.started: list[_Reader] = []
        self.lock = threading.Lock()
        self.threads = ThreadPoolExecutor(READERS, thread_name_prefix="zwfw-reader")
        atexit.register(self.close)

    def read(self, d: Delivered, *args) -> ReadFile:
        with self.lock:
            if self.idle.empty() and len(self.started) < READERS:
                self.started.append(_Reader())
                self.idle.put(self.started[-1])
        r = self.idle.get()
        try:
            result = r.read(d, *args)
        except (EOFError, OSError, pickle.UnpicklingError):
            with self.lock:
                self.started.remove(r)
            r.proc.kill()
            raise IngestError(
                "the reader process died while reading the file (out of memory?)", file=d.display
            ) from None
        except BaseException:
            self.idle.put(r)  # an IngestError of the file: the reader itself is fine
            raise
        self.idle.put(r)
        return result

    def close(self) -> None:
        self.threads.shutdown(cancel_futures=True)
        for r in self.started:
            r.close()
        self.started.clear()


_readers: _Readers | None = None


def read_files(
    con: duckdb.DuckDBPyConnection, files: list[tuple[int, Delivered]], protection: Protection, out_dir: Path
) -> list[StagedFile]:
    """Read files (numbered `fno` in the delivery) in the reader processes, side by side, and
    stage each as view `f<fno>`; IngestError, naming the file, if one cannot be read."""
    global _readers
    if _readers is None:
        _readers = _Readers()
    futures = [_readers.threads.submit(_readers.read, d, fno, protection, out_dir, CSV_BLOCK_BYTES) for fno, d in files]
    try:
        results = [future.result() for future in futures]
    finally:  # on an error, wait for the reads still running: none may outlive the temp dir
        for future in futures:
            future.cancel()
        wait(futures)
    staged = [
        StagedFile(r.delivered, None, header=r.header, encoding=r.encoding, reader_pid=r.reader_pid, parquet=r.parquet)
        for r in results
    ]
    # Files whose every record is one line need no numbering: those of one format and header
    # are staged as one view, so a folder of 10 000 small files is a few views, not 10 000.
    groups: dict[tuple[str, tuple[str, ...]], list[int]] = {}
    for i, ((fno, _), r) in enumerate(zip(files, results)):
        if r.parquet is None:
            continue
        if r.delivered.format == "csv" and (r.bad or r.blank_records or r.has_newlines):
            _number_lines(con, r, staged[i], f"f{fno}")
        else:
            groups.setdefault((r.delivered.format, tuple(r.header)), []).append(i)
    for members in groups.values():
        first = staged[members[0]]
        table = f"g{files[members[0]][0]}"
        paths = "[" + ", ".join(sql_str(str(staged[i].parquet)) for i in members) + "]"
        line, drop = ("_ord + 2", "_ord, _nl") if first.delivered.format == "csv" else ("_line", "_line")
        con.execute(
            f"CREATE VIEW {table} AS SELECT _fno, ({line})::BIGINT AS _line, * EXCLUDE (_fno, {drop}) "
            f"FROM read_parquet({paths})"
        )
        for i in members:
            staged[i].table = table
        first.cleanup = [f"DROP VIEW {table}"]
    return staged


def _number_lines(con: duckdb.DuckDBPyConnection, r: ReadFile, staged: StagedFile, table: str) -> None:
    """Stage a CSV file some of whose records are not one line, as view `table`."""
    staged.table = table
    copy = f"read_parquet({sql_str(str(r.parquet))})"
    bad = r.bad
    con.execute(f"CREATE VIEW {table}_rec AS SELECT * FROM {copy}")
    # Record number of each good row: the records not handed to the handler, in order.
    skipped = sorted([(n, nl) for n, _, nl in bad] + [(n, 0) for n in r.blank_records])
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
    # Views, not copies: the protected Parquet is the one copy of the text (2M rows ≈ 0.5 s a copy).
    con.execute(f"CREATE VIEW {table}_num AS SELECT {rec_expr} AS _rec, d.* EXCLUDE (_ord) FROM {table}_rec d {join}")
    if r.has_newlines or any(nl for _, _, nl in bad):
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
        f"DROP VIEW {table}_rec",
    ]
    staged.malformed = [dataclasses.replace(m, line=line_of[n]) for n, m, _ in bad]

"""The published warehouse, read: one answer to "which snapshots are published, which is the
latest, which came before", and rows as dicts.

Everything that reads the published file (the CLI, the bulletin, `zwfw explain`, the worklists,
the docs site, the checks) asks here. A snapshot is published when `marts.fct_metrics` holds it:
publication writes every mart of a snapshot together.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

METRICS = "marts.fct_metrics"


class PublishedError(RuntimeError):
    """The published warehouse cannot answer: no file, no marts, no such snapshot."""


def connect(warehouse: Path) -> duckdb.DuckDBPyConnection:
    """The published file, read-only (never blocking a build), without DuckDB's progress bar
    (it would land in our output)."""
    if not Path(warehouse).is_file():
        raise PublishedError(f"{warehouse}: no such file (expected a warehouse built by zwfw run)")
    con = duckdb.connect(str(warehouse), read_only=True)
    con.execute("SET enable_progress_bar = false")
    return con


def rows(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict]:
    """The rows of `sql` as dicts keyed by column name."""
    cur = con.execute(sql, params or [])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def snapshots(con: duckdb.DuckDBPyConnection) -> list[dt.date]:
    """Every published snapshot, oldest first."""
    return [r[0] for r in con.execute(f"select distinct snapshot_date from {METRICS} order by 1").fetchall()]


def latest(con: duckdb.DuckDBPyConnection) -> dt.date:
    published = snapshots(con)
    if not published:
        raise PublishedError(f"{METRICS} holds no snapshot yet")
    return published[-1]


def previous(published: list[dt.date], snapshot: dt.date) -> dt.date | None:
    """The latest of the `published` snapshots before `snapshot`, or None."""
    earlier = [s for s in published if s < snapshot]
    return earlier[-1] if earlier else None


def resolve(published: list[dt.date], warehouse: Path, snapshot: dt.date | None, shown: int | None = 8) -> dt.date:
    """`snapshot` when it is one of the `published` snapshots, the latest when None; otherwise an
    error naming the last `shown` of them (None: all)."""
    if not published:
        raise PublishedError(f"{warehouse}: no snapshot published yet")
    if snapshot is None:
        return published[-1]
    if snapshot not in published:
        raise PublishedError(
            f"{warehouse}: no snapshot {snapshot.isoformat()} "
            f"(published: {', '.join(s.isoformat() for s in published[-(shown or len(published)) :])})"
        )
    return snapshot

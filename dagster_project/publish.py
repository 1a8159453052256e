"""Publication: the snapshot's marts into the lake, then a new small warehouse swapped in atomically.

A build works in a scratch database (`<file>.build`, new for each build). Analysts hold the
published file open read-only; a build must neither wait for them nor show them a half-built or
failed state, so the published file is never opened for writing. Publication, after every
blocking check passed:

1. writes each mart's rows of the snapshot to `<lake>/marts/<model>/snapshot_date=D/` (aside,
   then renamed into place, replacing only that snapshot), D's `_published` marker removed before
   the first and written after the last (dagster_project/lake.py);
2. assembles `<file>.next` from the lake alone: every marked snapshot of every mart (the marts'
   history; the record-level worklist as a view over its lake partitions), `raw.rejects` and
   `raw.load_files` as tables, and the `raw.<source>` views over the lake for drill-down (the
   same views dbt reads, with the lake's absolute path);
3. replaces the published file with it by one `os.replace`, and deletes the scratch database
   (`ZWFW_KEEP_BUILD=1` keeps it, with dbt's staging and intermediate models, to inspect).

Its size grows with snapshots × units, not with the case records. A failed or killed build
leaves the published file byte-identical (and its scratch database for inspection, until the
next build starts); readers keep the old inode until they reconnect.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

import duckdb

from dagster_project import config
from dagster_project import lake as lake_layout

# Parquet has no 128-bit integer (DuckDB would write DOUBLE): such columns travel as DECIMAL(38,0)
# and are cast back to the build's type when the published file is assembled.
_TRAVEL_TYPES = {"HUGEINT": "DECIMAL(38,0)", "UHUGEINT": "DECIMAL(38,0)"}
MATERIALISED_RAW = ("rejects", "load_files")  # small, and read on every audit: tables, not views
# Marts of records rather than units (the worklist: ~10^5 rows a week) stay in the lake and are
# published as views over it, so the published file keeps growing with snapshots × units only.
LAKE_VIEW_MARTS = ("fct_worklist",)


@dataclass(frozen=True)
class Published:
    file: Path
    marts: int
    snapshots: int
    bytes: int


def _sql_str(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _marts(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[str, str]]]:
    """Each mart of the build and its columns in order, with their types."""
    rows = con.execute(
        "select table_name, column_name, data_type from duckdb_columns() "
        "where schema_name = 'marts' order by table_name, column_index"
    ).fetchall()
    out: dict[str, list[tuple[str, str]]] = {}
    for table, column, dtype in rows:
        out.setdefault(table, []).append((column, dtype))
    return out


def export_marts(build: Path, lake: Path, snapshot: dt.date) -> dict[str, list[tuple[str, str]]]:
    """Write the build's marts for `snapshot` into the lake; returns the marts and their columns."""
    con = duckdb.connect(str(build), read_only=True)
    try:
        marts = _marts(con)
        for table, columns in marts.items():
            if "snapshot_date" not in {c for c, _ in columns}:
                raise RuntimeError(f"{build}: marts.{table} has no snapshot_date column; cannot partition it")
            cols = ", ".join(
                f"cast({_ident(c)} as {_TRAVEL_TYPES[t]}) as {_ident(c)}" if t in _TRAVEL_TYPES else _ident(c)
                for c, t in columns
                if c != "snapshot_date"
            )

            def write(folder: Path, table=table, cols=cols) -> None:
                target = _sql_str(str(folder / lake_layout.DATA_FILE))
                con.execute(
                    f"copy (select {cols} from marts.{_ident(table)} where snapshot_date = ?) "
                    f"to {target} (format parquet, compression zstd)",
                    [snapshot],
                )

            lake_layout.write_partition(lake_layout.mart_dir(lake, table, snapshot), write)
        return marts
    finally:
        con.close()


def _raw_views(build: Path) -> list[tuple[str, str]]:
    con = duckdb.connect(str(build), read_only=True)
    try:
        return con.execute(
            "select view_name, sql from duckdb_views() where schema_name = 'raw' and not internal order by view_name"
        ).fetchall()
    finally:
        con.close()


PUBLISHED_SCHEMAS = ("marts", "raw")


def _comments(build: Path) -> list[tuple[str, str, str | None, str]]:
    """(schema, object, column or None, comment) of the build's published objects: dbt's
    descriptions (persist_docs, and the raw views' from _sources.yml), carried into the file."""
    con = duckdb.connect(str(build), read_only=True)
    try:
        return con.execute(
            "select schema_name, table_name, null, comment from duckdb_tables() where comment is not null "
            "union all select schema_name, view_name, null, comment from duckdb_views() "
            "where not internal and comment is not null "
            "union all select schema_name, table_name, column_name, comment from duckdb_columns() "
            "where not internal and comment is not null "
            "order by all"
        ).fetchall()
    finally:
        con.close()


def _comment_on(con: duckdb.DuckDBPyConnection, comments: list[tuple[str, str, str | None, str]]) -> None:
    kinds = dict(
        con.execute(
            "select schema_name || '.' || table_name, 'table' from duckdb_tables() union all "
            "select schema_name || '.' || view_name, 'view' from duckdb_views() "
            "where not internal"
        ).fetchall()
    )
    for schema, name, column, comment in comments:
        kind = kinds.get(f"{schema}.{name}")
        if schema not in PUBLISHED_SCHEMAS or kind is None:
            continue
        target = f"{_ident(schema)}.{_ident(name)}"
        if column is None:
            con.execute(f"comment on {kind} {target} is {_sql_str(comment)}")
        else:
            con.execute(f"comment on column {target}.{_ident(column)} is {_sql_str(comment)}")


def _wal(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


def fresh_scratch(build: Path) -> None:
    """Every build starts from an empty scratch database: whatever a failed build left is gone."""
    for stale in (build, _wal(build)):
        stale.unlink(missing_ok=True)
    build.parent.mkdir(parents=True, exist_ok=True)


def fresh_spark_dir(spark_dir: Path, marts: Path, session: bool = True) -> None:
    """A build on Spark starts with no marts in the lake's spark_marts/ (`marts`: what it writes
    there is what gets imported) and, in a local session, an empty metastore, warehouse and
    scratch folder (`spark_dir`), with the JVM's log settings. A server's catalog (Spark Connect)
    is not ours to wipe: its databases are dropped through it (dbt_drop_build_schemas_args)."""
    import shutil

    shutil.rmtree(marts, ignore_errors=True)
    if not session:
        return
    spark_dir = Path(spark_dir)
    for part in ("derby", "warehouse", "tmp"):
        shutil.rmtree(spark_dir / part, ignore_errors=True)
    spark_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(config.DBT_PROJECT_DIR / "spark" / "log4j2.properties", spark_dir / "log4j2.properties")


def assemble(
    published: Path,
    lake: Path,
    marts: dict[str, list[tuple[str, str]]],
    raw_views: list[tuple[str, str]],
    comments: list[tuple[str, str, str | None, str]] = (),
) -> Path:
    """Write `<published>.next` from the lake; the published file itself is not touched."""
    nxt = published.with_name(published.name + ".next")
    for stale in (nxt, _wal(nxt)):
        stale.unlink(missing_ok=True)
    con = duckdb.connect(str(nxt))
    try:
        # The views over the lake (and the raw tables copied from them) show this file's snapshots
        # only: a build writes the lake before it publishes (and a failed one never publishes), so a
        # reader of this file must not see a later snapshot's rows before its marts.
        # The marts too: a snapshot whose export was killed or failed halfway has partitions in
        # some marts and no marker; it is left out whole.
        only_published = "where snapshot_date in ({})".format(
            ", ".join(f"date '{d}'" for d in lake_layout.published_snapshots(lake)) or "null"
        )
        con.execute("create schema marts")
        for table, columns in marts.items():
            files = _sql_str(lake_layout.data_glob(Path(lake) / lake_layout.MARTS, table))
            cols = ", ".join(f"cast({_ident(c)} as {t}) as {_ident(c)}" for c, t in columns)
            select = f"select {cols} from read_parquet({files}, hive_partitioning = true, union_by_name = true)"
            if table in LAKE_VIEW_MARTS:
                con.execute(f"create view marts.{_ident(table)} as {select} {only_published}")
            else:
                con.execute(f"create table marts.{_ident(table)} as {select} {only_published} order by snapshot_date")
        con.execute("create schema raw")
        for name, sql in raw_views:  # the build's views over the lake, cut to the published snapshots
            select = sql.split(" AS ", 1)[1].rstrip().rstrip(";")
            kind = "table" if name in MATERIALISED_RAW else "view"
            con.execute(f"create {kind} raw.{_ident(name)} as select * from ({select}) {only_published}")
        _comment_on(con, list(comments))
        con.execute("checkpoint")
    finally:
        con.close()
    if _wal(nxt).exists():
        raise RuntimeError(f"{nxt}: write-ahead log still present after CHECKPOINT; not publishing")
    return nxt


def publish(build: Path, published: Path, lake: Path, snapshot: dt.date, keep_build: bool = False) -> Published:
    """Export the snapshot's marts to the lake, assemble the new warehouse, swap it in."""
    published = Path(published)
    published.parent.mkdir(parents=True, exist_ok=True)
    lake_layout.mark_legacy_snapshots(lake)
    lake_layout.unmark_published(lake, snapshot)
    marts = export_marts(build, lake, snapshot)
    lake_layout.mark_published(lake, snapshot)
    nxt = assemble(published, lake, marts, _raw_views(build), _comments(build))
    os.chmod(nxt, 0o640)
    os.replace(nxt, published)
    fd = os.open(published.parent, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    if not keep_build:  # published: the scratch (staging, intermediate tables) is not needed again
        fresh_scratch(build)
    return Published(published, len(marts), len(lake_layout.published_snapshots(lake)), published.stat().st_size)

"""The Parquet lake: every delivery's validated, pseudonymised rows, and the published marts.

Layout (hive-style, so DuckDB and Spark read the same partitions):

    <lake>/<source>/snapshot_date=YYYY-MM-DD/part-0.parquet   the rows loaded (no snapshot_date column:
                                                              it is the partition)
                                            /rejects.parquet  the rows rejected, with file, line, reason
                                            /load_files.parquet  per file: read = loaded + rejected
    <lake>/marts/<model>/snapshot_date=YYYY-MM-DD/part-0.parquet   one published snapshot of a mart
    <lake>/marts/_published/snapshot_date=YYYY-MM-DD               a snapshot whose marts are all there

A partition is written to a hidden folder beside it and renamed into place, so readers see the
old partition or the new one, and re-loading a snapshot replaces its partition and nothing else.
A snapshot's marts are many partitions, written one after another: its `_published` marker is
removed before the first and written after the last, and a reader of the marts' history reads
the marked snapshots only. An export that is killed or fails (a full disk) halfway leaves its
snapshot unmarked, so no later publication shows a snapshot that holds some marts and not others.

The dbt sources read the same globs (`dbt/macros/lake_sources.sql`).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path

MARTS = "marts"
# A build on Spark writes its marts here (dbt_project.yml's location_root), for the orchestrator
# to import them into the DuckDB scratch database; the next build on Spark starts it anew.
SPARK_MARTS = "spark_marts"
DATA_FILE = "part-0.parquet"
REJECTS_FILE = "rejects.parquet"
LOAD_FILES_FILE = "load_files.parquet"


def partition_name(snapshot: dt.date) -> str:
    return f"snapshot_date={snapshot.isoformat()}"


def partition_dir(lake: Path, table: str, snapshot: dt.date) -> Path:
    return Path(lake) / table / partition_name(snapshot)


def mart_dir(lake: Path, model: str, snapshot: dt.date) -> Path:
    return partition_dir(Path(lake) / MARTS, model, snapshot)


def data_glob(lake: Path, table: str) -> str:
    """Every partition's rows of one source (or, under `marts/`, one mart)."""
    return str(Path(lake) / table / "snapshot_date=*" / "part-*.parquet")


def meta_glob(lake: Path, file_name: str) -> str:
    """`rejects.parquet` or `load_files.parquet` of every source and snapshot."""
    return str(Path(lake) / "*" / "snapshot_date=*" / file_name)


PUBLISHED = "_published"  # under marts/: one empty file per snapshot whose marts are complete


def published_marker(lake: Path, snapshot: dt.date) -> Path:
    return Path(lake) / MARTS / PUBLISHED / partition_name(snapshot)


def published_snapshots(lake: Path) -> list[dt.date]:
    """The snapshots whose marts are all in the lake, oldest first: what an assembled file shows,
    and what dbt on Spark is told (its SQL cannot list a folder)."""
    folder = Path(lake) / MARTS / PUBLISHED
    names = [p.name for p in folder.iterdir()] if folder.is_dir() else []
    return sorted(dt.date.fromisoformat(n.removeprefix("snapshot_date=")) for n in names if not n.startswith("."))


def unmark_published(lake: Path, snapshot: dt.date) -> None:
    """Before a snapshot's marts are (re)written: until all are, it is not a published snapshot."""
    marker = published_marker(lake, snapshot)
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.unlink(missing_ok=True)
    _fsync_dir(marker.parent)


def mark_published(lake: Path, snapshot: dt.date) -> None:
    marker = published_marker(lake, snapshot)
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.touch()
    _fsync_dir(marker.parent)


def mark_legacy_snapshots(lake: Path) -> None:
    """A lake written before the markers existed gets them, once: a snapshot is taken as published
    when every mart that existed by then (has a partition that old or older) holds its partition;
    a snapshot that a killed export left in some marts only stays unmarked."""
    marts = Path(lake) / MARTS
    if (marts / PUBLISHED).exists() or not marts.is_dir():
        return
    held = {
        folder.name: {p.name for p in folder.glob("snapshot_date=*") if (p / DATA_FILE).is_file()}
        for folder in marts.iterdir()
        if folder.is_dir() and not folder.name.startswith((".", "_"))
    }
    for name in sorted(set().union(*held.values())):
        if all(name in names for names in held.values() if names and min(names) <= name):
            mark_published(lake, dt.date.fromisoformat(name.removeprefix("snapshot_date=")))
    (marts / PUBLISHED).mkdir(parents=True, exist_ok=True)


def write_partition(final: Path, write: Callable[[Path], None]) -> Path:
    """Run `write(folder)` into a hidden temporary folder, then swap it in for `final`.

    The swap is two renames (old partition aside, new one in) and a delete: a crash in between
    leaves either the old partition, or none, never a partial one; the next run writes it again.
    """
    final = Path(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    _sweep(final.parent)  # what a killed writer left here; one build at a time writes the lake
    token = uuid.uuid4().hex[:8]
    tmp = final.with_name(f".tmp-{final.name}-{token}")
    old = final.with_name(f".old-{final.name}-{token}")
    tmp.mkdir(mode=0o750)
    try:
        write(tmp)
        _fsync_dir(tmp)
        if final.exists():
            os.rename(final, old)
        os.rename(tmp, final)
        _fsync_dir(final.parent)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if old.exists() and not final.exists():
            os.rename(old, final)
        raise
    shutil.rmtree(old, ignore_errors=True)
    return final


def sweep(lake: Path) -> None:
    """Remove what killed writers left behind (hidden `.tmp-`/`.old-` folders) anywhere in the lake."""
    lake = Path(lake)
    if lake.is_dir():
        for parent in {p.parent for pattern in ("**/.old-*", "**/.tmp-*") for p in lake.glob(pattern)}:
            _sweep(parent)


def _sweep(parent: Path) -> None:
    """Leftovers beside partitions: a `.tmp-` folder is an unfinished write (deleted); an `.old-`
    one is a replaced partition (deleted), or, when its replacement never arrived, restored."""
    for left in sorted(parent.iterdir()) if parent.is_dir() else []:
        if left.name.startswith(".tmp-"):
            shutil.rmtree(left, ignore_errors=True)
        elif left.name.startswith(".old-"):
            name = left.name.removeprefix(".old-").rsplit("-", 1)[0]
            if (parent / name).exists():
                shutil.rmtree(left, ignore_errors=True)
            else:
                os.rename(left, parent / name)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)

"""Build beside the published warehouse, then swap it in atomically.

Analysts hold the published file open read-only; a build must neither wait for them nor show
them a half-built or failed state. So a build works on a copy (`<file>.build`) and the copy
replaces the published file with one `os.replace` only after everything passed. A failed build
leaves the published file exactly as it was (the failed copy stays for inspection until the
next build starts).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb


def build_path(published: Path) -> Path:
    return published.with_name(published.name + ".build")


def _wal(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


def prepare_build(published: Path) -> Path:
    """A fresh build file: a copy of the published warehouse, or nothing for the first build."""
    build = build_path(published)
    for stale in (build, _wal(build)):
        stale.unlink(missing_ok=True)
    published.parent.mkdir(parents=True, exist_ok=True)
    if published.exists():
        shutil.copy2(published, build)
    return build


def publish(build: Path, published: Path) -> None:
    """Fold the WAL into the file, then swap. Readers keep the old inode until they reconnect."""
    con = duckdb.connect(str(build))
    try:
        con.execute("CHECKPOINT")
    finally:
        con.close()
    if _wal(build).exists():
        raise RuntimeError(f"{build}: write-ahead log still present after CHECKPOINT; not publishing")
    os.replace(build, published)

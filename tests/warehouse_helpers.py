"""Helpers for the tests that run whole builds: copying a published warehouse with its lake, and
building a session's world once when the suite runs in several processes (pytest-xdist)."""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import duckdb
from filelock import FileLock

BIN = Path(sys.executable).parent
MOVED = ("ZWFW_WAREHOUSE", "ZWFW_LAKE", "ZWFW_RAW_DIR", "ZWFW_REPORT_DIR", "ZWFW_KEEP_BUILD", "ZWFW_DBT_BUILD")


def built_once(tmp_path_factory, name: str, build: Callable[[Path], object]) -> object:
    """`build(root)`'s result, built by one process of the session. Under pytest-xdist each worker
    is its own session: the first to ask builds into the run's shared temp folder, the others wait
    for it and read its (pickled) result, as the pytest-xdist docs advise. Alone, it just builds."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return build(tmp_path_factory.mktemp(name))
    shared = tmp_path_factory.getbasetemp().parent  # the run's folder, parent of each worker's
    done = shared / f"{name}.pickle"
    with FileLock(shared / f"{name}.lock"):
        if done.exists():
            return pickle.loads(done.read_bytes())
        root = shared / name
        shutil.rmtree(root, ignore_errors=True)  # a half-built world of a worker that failed
        root.mkdir()
        result = build(root)
        done.write_bytes(pickle.dumps(result))
        return result


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def lake_digest(lake: Path) -> dict[str, str]:
    return {str(p.relative_to(lake)): digest(p) for p in sorted(lake.rglob("*")) if p.is_file()}


def copy_published(src: Path, dst_dir: Path) -> Path:
    """A published file and its lake, copied into `dst_dir`, the raw views pointed at the copy
    (they resolve against the lake's absolute path)."""
    dst = dst_dir / src.name
    dst_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy2(src, dst)
    shutil.copytree(src.parent / "lake", dst_dir / "lake")
    con = duckdb.connect(str(dst))
    try:
        for _, sql in con.execute("select view_name, sql from duckdb_views() where schema_name = 'raw'").fetchall():
            con.execute(
                sql.replace(str(src.parent / "lake"), str(dst_dir / "lake")).replace(
                    "CREATE VIEW", "CREATE OR REPLACE VIEW", 1
                )
            )
    finally:
        con.close()
    return dst


def run_env(published: Path, raw: Path, **extra: str) -> dict[str, str]:
    """The environment of a build of `published` from `raw` (the same PII key as the fixtures')."""
    env = {k: v for k, v in os.environ.items() if k not in MOVED}
    return {
        **env,
        "ZWFW_WAREHOUSE": str(published),
        "ZWFW_RAW_DIR": str(raw),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        **extra,
    }


def query(path: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def zwfw_run(published: Path, raw: Path, snapshot: str, prefix: list[str] | None = None) -> list[str]:
    """The command of a `zwfw run` (or of `prefix`, a wrapper taking the same arguments)."""
    return [
        *(prefix or [str(BIN / "zwfw")]),
        "run",
        "--raw-dir",
        str(raw),
        "--snapshot",
        snapshot,
        "--warehouse",
        str(published),
    ]


def dagster_job(snapshot: str) -> list[str]:
    """The weekly job of one snapshot as the Dagster UI or the schedule launches it (the warehouse,
    lake and raw folder from the environment, as `dagster dev` reads them)."""
    return [
        str(BIN / "dagster"),
        "job",
        "execute",
        "-m",
        "dagster_project.definitions",
        "-j",
        "weekly_snapshot",
        "--tags",
        json.dumps({"dagster/partition": snapshot}),
    ]

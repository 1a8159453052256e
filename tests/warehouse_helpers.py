"""Helpers for the tests that run whole builds: copying a published warehouse with its lake."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
from pathlib import Path

import duckdb

BIN = Path(sys.executable).parent
MOVED = ("ZWFW_WAREHOUSE", "ZWFW_LAKE", "ZWFW_RAW_DIR", "ZWFW_REPORT_DIR", "ZWFW_KEEP_BUILD", "ZWFW_DBT_BUILD")


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

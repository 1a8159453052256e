"""dbt command lines, built by pure functions so they can be tested without running dbt."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path


def dbt_vars(snapshot_date: dt.date, lake_snapshots: list[dt.date] | None = None) -> dict:
    """`lake_snapshots`: the snapshots published to the lake, for Spark (its SQL cannot list
    a folder; dbt/macros/worklist.sql `spark__previous_mart_partitions`)."""
    out: dict = {"snapshot_date": snapshot_date.isoformat()}
    if lake_snapshots is not None:
        out["lake_snapshots"] = [d.isoformat() for d in sorted(lake_snapshots)]
    return out


def dbt_build_args(
    snapshot_date: dt.date,
    select: str | None = None,
    unit_tests: bool = False,
    lake_snapshots: list[dt.date] | None = None,
) -> list[str]:
    """`dbt build` for one snapshot: models, seeds, snapshots and their data tests in DAG order.

    Unit tests test the SQL, not the week's data: CI and `dev.py test` run them (every build in
    tests/dbt), the weekly run leaves them out: their cost is fixed, whatever the week delivered.
    """
    args = ["build", "--vars", json.dumps(dbt_vars(snapshot_date, lake_snapshots), sort_keys=True)]
    if select:
        args += ["--select", select]
    if not unit_tests:
        args += ["--exclude-resource-type", "unit_test"]
    return args


SNAPSHOT_ENV = "ZWFW_SNAPSHOT_DATE"  # dbt/macros/snapshot.sql reads it while executing, never while parsing


def weekly_build_args() -> list[str]:
    """The weekly `dbt build` on DuckDB: the snapshot goes in the environment (`snapshot_env`),
    not in --vars, so the command line is the same every week and dbt's saved parse of the
    project (partial_parse.msgpack) stays valid from one build to the next."""
    return ["build", "--exclude-resource-type", "unit_test"]


def snapshot_env(snapshot_date: dt.date) -> dict[str, str]:
    return {SNAPSHOT_ENV: snapshot_date.isoformat()}


def dbt_import_marts_args(snapshot_date: dt.date, marts: Path | str) -> list[str]:
    """After a build on Spark: its marts of the snapshot (Parquet under `marts`) into the DuckDB
    scratch database, with the raw views and every comment, so the checks and publication read
    what they read after a DuckDB build (dbt/macros/import_marts.sql). Run on the `duckdb` target."""
    return [
        "run-operation",
        "import_marts",
        "--args",
        json.dumps({"marts": str(marts)}),
        "--vars",
        json.dumps(dbt_vars(snapshot_date), sort_keys=True),
    ]


def dbt_drop_build_schemas_args(snapshot_date: dt.date) -> list[str]:
    """Before a build through a Spark server that outlives it (Spark Connect): the databases a
    build creates, dropped, so it starts as empty as a local session (dbt/macros/spark_build.sql)."""
    return ["run-operation", "drop_build_schemas", "--vars", json.dumps(dbt_vars(snapshot_date), sort_keys=True)]


def dbt_parse_args() -> list[str]:
    """`dbt parse` with the command line of the weekly build (no vars, the `duckdb` target), so
    the parse it saves is the one the build can take up (dbt voids it when vars, target or
    profile differ)."""
    return ["parse", "--target", "duckdb"]


def dbt_docs_args(snapshot_date: dt.date, target_path: str) -> list[str]:
    """`dbt docs generate` as one offline page (`--static`: manifest and catalog inlined).

    `--no-compile`: the lineage and descriptions come from the parsed manifest, already in
    `target_path`; compiling would need the build's intermediate tables, which the published
    warehouse does not keep. The catalog (types, comments, row counts) is read from the marts
    and raw views the warehouse publishes.
    """
    return [
        "docs",
        "generate",
        "--static",
        "--no-compile",
        "--target-path",
        target_path,
        "--vars",
        json.dumps(dbt_vars(snapshot_date), sort_keys=True),
    ]

"""Paths and settings, read from the environment in one place.

`ZWFW_WAREHOUSE` is the single switch for where the published DuckDB warehouse lives, and
`ZWFW_LAKE` for the Parquet lake (default: `lake/` beside the warehouse). Ingestion, the Dagster
resources and the dbt profile and sources read the same two variables; `export_locations()` puts
the resolved defaults into the environment so that a dbt subprocess sees what Python sees.
A build works in `<warehouse>.build`, a scratch database made new for each build.
"""

from __future__ import annotations

import contextlib
import logging
import os
from pathlib import Path

log = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt"
DEFAULT_WAREHOUSE = PROJECT_ROOT / "warehouse" / "zwfw.duckdb"
DEFAULT_RAW_DIR = PROJECT_ROOT / "raw"
# The Dagster instance `zwfw run` records into and `dagster dev` shows (dev.py sets DAGSTER_HOME to it).
DEFAULT_DAGSTER_HOME = PROJECT_ROOT / ".dagster_home"


def dagster_home() -> Path:
    """DAGSTER_HOME, else the project's `.dagster_home`."""
    return Path(os.environ.get("DAGSTER_HOME") or DEFAULT_DAGSTER_HOME).resolve()

WAREHOUSE_ENV = "ZWFW_WAREHOUSE"
LAKE_ENV = "ZWFW_LAKE"
RAW_DIR_ENV = "ZWFW_RAW_DIR"
PII_KEY_ENV = "ZWFW_PII_KEY"
REPORT_DIR_ENV = "ZWFW_REPORT_DIR"
INGEST_MEMORY_ENV = "ZWFW_INGEST_MEMORY_LIMIT"
INGEST_CHUNK_ENV = "ZWFW_INGEST_CHUNK_MB"
KEEP_BUILD_ENV = "ZWFW_KEEP_BUILD"  # "1": keep the scratch database after publication, to inspect it

# The in-memory database that stages one source's delivery spills to its private temp dir
# beyond this (DuckDB's default, 80 % of RAM, leaves no room for dbt or a second process).
DEFAULT_INGEST_MEMORY_LIMIT = "6GB"
# Files are validated in groups of about this many MiB on disk: a group of Parquet parts of a
# full province's cases (~2 GB in memory per 256 MiB) stays inside the memory limit above.
DEFAULT_INGEST_CHUNK_MB = 256
# Everything the pipeline writes (lake, warehouse, logs, reports, worklists) is unreadable by
# other users: it holds pseudonyms, and a pseudonym with a leaked key is an identity.
PRIVATE_UMASK = 0o027


def private_files() -> None:
    """Create files without world permissions from here on, in this process and its children."""
    os.umask(PRIVATE_UMASK)

# Only for development and the sample data: real deployments set ZWFW_PII_KEY.
DEV_PII_KEY = "zwfw-development-key-not-secret"


def warehouse_path() -> Path:
    return Path(os.environ.get(WAREHOUSE_ENV) or DEFAULT_WAREHOUSE).resolve()


def lake_path(warehouse: Path | None = None) -> Path:
    """The Parquet lake: `ZWFW_LAKE`, else `lake/` beside the (published) warehouse."""
    env = os.environ.get(LAKE_ENV)
    if env:
        return Path(env).resolve()
    return (warehouse or warehouse_path()).resolve().parent / "lake"


def build_path(warehouse: Path | None = None) -> Path:
    """The scratch database a build works in (dbt's target): new for each build, never published."""
    published = (warehouse or warehouse_path()).resolve()
    return published.with_name(published.name + ".build")


@contextlib.contextmanager
def environ_restored(*keys: str):
    """On leaving the block, `keys` of the environment are as they were on entering it, so what a
    run points there for the processes it starts never leaks into the caller (a test, a notebook)."""
    saved = {k: os.environ.get(k) for k in keys}
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def dbt_target_path(warehouse: Path | None = None) -> Path:
    """dbt's target folder for the builds of this warehouse (`<warehouse>.dbt`), kept from one
    build to the next: dbt saves its parse of the project there (partial_parse.msgpack) and the
    next week's build takes it up instead of parsing every file again."""
    published = (warehouse or warehouse_path()).resolve()
    return published.with_name(published.name + ".dbt")


def export_locations() -> dict[str, str]:
    """Set `ZWFW_WAREHOUSE` and `ZWFW_LAKE` (and Spark's folders) to their resolved values
    (defaults included) for dbt."""
    locations = {WAREHOUSE_ENV: str(warehouse_path()), LAKE_ENV: str(lake_path()),
                 SPARK_DIR_ENV: str(spark_dir())}
    os.environ.update(locations)
    return locations


DBT_TARGET_ENV = "ZWFW_DBT_TARGET"  # the engine that runs the dbt models: duckdb (default) or spark
ENGINES = ("duckdb", "spark")
SPARK_DIR_ENV = "ZWFW_SPARK_DIR"  # a local Spark session's metastore (Derby) and warehouse
SPARK_REMOTE_ENV = "SPARK_REMOTE"  # pyspark's own: a Spark Connect server (sc://host:port), not a local JVM
SPARK_CONNECT_OUTPUT = "spark_connect"  # the profile's output for it (a server takes no master nor JVM options)


class EngineError(ValueError):
    """ZWFW_DBT_TARGET names no engine of this project."""


def dbt_target() -> str:
    """The dbt profile's output the build runs on: `ZWFW_DBT_TARGET` (`duckdb` unless it says
    `spark`), and for Spark with `SPARK_REMOTE` set, `spark_connect` (dbt/profiles.yml chooses
    alike when dbt runs by hand)."""
    target = (os.environ.get(DBT_TARGET_ENV) or "duckdb").strip()
    if target not in ENGINES:
        raise EngineError(f"{DBT_TARGET_ENV}={target!r}: the build runs on one of {', '.join(ENGINES)}")
    return SPARK_CONNECT_OUTPUT if target == "spark" and os.environ.get(SPARK_REMOTE_ENV) else target


def engine_of(target: str | None) -> str:
    """The engine of a profile output: `spark` for both Spark outputs, else `duckdb`."""
    return "spark" if target in ("spark", SPARK_CONNECT_OUTPUT) else "duckdb"


def spark_dir(warehouse: Path | None = None) -> Path:
    """A local Spark session's own folder (`ZWFW_SPARK_DIR`, else `<warehouse>.spark`): its Derby
    metastore allows one process, so each build starts it anew (publish.fresh_spark_dir)."""
    env = os.environ.get(SPARK_DIR_ENV)
    if env:
        return Path(env).resolve()
    published = (warehouse or warehouse_path()).resolve()
    return published.with_name(published.name + ".spark")


def raw_dir() -> Path:
    return Path(os.environ.get(RAW_DIR_ENV) or DEFAULT_RAW_DIR).resolve()


def report_dir(warehouse: Path | None = None) -> Path:
    """Where bulletins go (one folder per snapshot): `ZWFW_REPORT_DIR`, else `report/` beside the warehouse."""
    env = os.environ.get(REPORT_DIR_ENV)
    if env:
        return Path(env).resolve()
    return (warehouse or warehouse_path()).resolve().parent / "report"


def keep_build() -> bool:
    return os.environ.get(KEEP_BUILD_ENV) == "1"


def ingest_memory_limit() -> str:
    return os.environ.get(INGEST_MEMORY_ENV) or DEFAULT_INGEST_MEMORY_LIMIT


def ingest_chunk_bytes() -> int:
    return int(float(os.environ.get(INGEST_CHUNK_ENV) or DEFAULT_INGEST_CHUNK_MB) * 2**20)


DEVELOPMENT_KEY_ENV = "ZWFW_DEVELOPMENT_KEY"  # "1": sample data only, pseudonymise with DEV_PII_KEY
MIN_PII_KEY_LENGTH = 16


class SecretError(RuntimeError):
    """Personal data cannot be pseudonymised safely with the configured key."""


def pii_key() -> str:
    """The key of the hash that pseudonymises personal data.

    The development key is published (it is in this file): with it an 18-digit ID number, whose
    birth date and checksum leave few candidates, is brute-forced from its hash in minutes. So it
    is refused, as is a missing or short key, unless ZWFW_DEVELOPMENT_KEY=1 says the data are the
    sample's (the demo and the tests set it, and say so).
    """
    key = os.environ.get(PII_KEY_ENV) or ""
    development = os.environ.get(DEVELOPMENT_KEY_ENV) == "1"
    if development and key in ("", DEV_PII_KEY):
        return DEV_PII_KEY
    if not key:
        raise SecretError(f"{PII_KEY_ENV} is not set: refusing to load submissions with personal data. Set it to a "
                          f"secret of at least {MIN_PII_KEY_LENGTH} characters (or {DEVELOPMENT_KEY_ENV}=1 for the "
                          "sample data, which then uses the published development key)")
    if key == DEV_PII_KEY:
        raise SecretError(f"{PII_KEY_ENV} is the published development key: its hashes of ID numbers are reversible. "
                          f"Set a secret (or {DEVELOPMENT_KEY_ENV}=1 for the sample data)")
    if len(key) < MIN_PII_KEY_LENGTH:
        raise SecretError(f"{PII_KEY_ENV} is shorter than {MIN_PII_KEY_LENGTH} characters: too easy to guess")
    return key

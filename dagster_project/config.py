"""Paths and settings, read from the environment in one place.

`ZWFW_WAREHOUSE` is the single switch for where the published DuckDB warehouse lives, and
`ZWFW_LAKE` for the Parquet lake (default: `lake/` beside the warehouse). Ingestion, the Dagster
resources and the dbt profile and sources read the same two variables; `export_locations()` puts
the resolved defaults into the environment so that a dbt subprocess sees what Python sees.
A build works in `<warehouse>.build`, a scratch database made new for each build.
"""

from __future__ import annotations

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


def export_locations() -> dict[str, str]:
    """Set `ZWFW_WAREHOUSE` and `ZWFW_LAKE` to their resolved values (defaults included) for dbt."""
    locations = {WAREHOUSE_ENV: str(warehouse_path()), LAKE_ENV: str(lake_path())}
    os.environ.update(locations)
    return locations


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


_warned: set[str] = set()  # each warning once per process, not once per source


def pii_key() -> str:
    key = os.environ.get(PII_KEY_ENV)
    if not key:
        if PII_KEY_ENV not in _warned:
            _warned.add(PII_KEY_ENV)
            log.warning(
                "%s is not set: pseudonymising personal data with the development key. "
                "Set it to a secret before loading real submissions.",
                PII_KEY_ENV,
            )
        return DEV_PII_KEY
    return key

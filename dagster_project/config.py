"""Paths and settings, read from the environment in one place.

`ZWFW_WAREHOUSE` is the single switch for where the DuckDB warehouse lives: the Dagster
resource reads it here and the dbt profile reads the same variable (`dbt/profiles.yml`).
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
RAW_DIR_ENV = "ZWFW_RAW_DIR"
PII_KEY_ENV = "ZWFW_PII_KEY"
REPORT_DIR_ENV = "ZWFW_REPORT_DIR"
INGEST_MEMORY_ENV = "ZWFW_INGEST_MEMORY_LIMIT"

# The in-memory database that stages one source's delivery spills to its private temp dir
# beyond this (DuckDB's default, 80 % of RAM, leaves no room for dbt or a second process).
DEFAULT_INGEST_MEMORY_LIMIT = "6GB"

# Only for development and the sample data: real deployments set ZWFW_PII_KEY.
DEV_PII_KEY = "zwfw-development-key-not-secret"


def warehouse_path() -> Path:
    return Path(os.environ.get(WAREHOUSE_ENV) or DEFAULT_WAREHOUSE).resolve()


def raw_dir() -> Path:
    return Path(os.environ.get(RAW_DIR_ENV) or DEFAULT_RAW_DIR).resolve()


def report_dir(warehouse: Path | None = None) -> Path:
    """Where bulletins go (one folder per snapshot): `ZWFW_REPORT_DIR`, else `report/` beside the warehouse."""
    env = os.environ.get(REPORT_DIR_ENV)
    if env:
        return Path(env).resolve()
    return (warehouse or warehouse_path()).resolve().parent / "report"


def ingest_memory_limit() -> str:
    return os.environ.get(INGEST_MEMORY_ENV) or DEFAULT_INGEST_MEMORY_LIMIT


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

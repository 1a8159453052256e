"""Paths and settings: every variable of the environment is read here, and only here.

The edge (the CLI, `dagster dev`'s code location, a test) builds one frozen `Settings` from its
arguments and the environment; from there the settings are passed, never broadcast: Dagster gets
them as resources, dbt as the environment of its own process (`Settings.dbt_environment`).
`ZWFW_WAREHOUSE` names the published DuckDB warehouse, and the other locations default beside
it. A build works in `<warehouse>.build`, a scratch database made new for each build.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt"
DEFAULT_WAREHOUSE = PROJECT_ROOT / "warehouse" / "zwfw.duckdb"
DEFAULT_RAW_DIR = PROJECT_ROOT / "raw"
# The Dagster instance `zwfw run` records into and `dagster dev` shows (dev.py sets DAGSTER_HOME to it).
DEFAULT_DAGSTER_HOME = PROJECT_ROOT / ".dagster_home"


DAGSTER_HOME_ENV = "DAGSTER_HOME"

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


def _beside(warehouse: Path, suffix: str) -> Path:
    published = Path(warehouse).resolve()
    return published.with_name(published.name + suffix)


def build_path(warehouse: Path) -> Path:
    """The scratch database a build works in (dbt's target): new for each build, never published."""
    return _beside(warehouse, ".build")


def dbt_target_path(warehouse: Path) -> Path:
    """dbt's target folder for the builds of this warehouse (`<warehouse>.dbt`), kept from one
    build to the next: dbt saves its parse of the project there (partial_parse.msgpack) and the
    next week's build takes it up instead of parsing every file again."""
    return _beside(warehouse, ".dbt")


def spark_path(warehouse: Path) -> Path:
    """A local Spark session's folder unless ZWFW_SPARK_DIR moves it (`<warehouse>.spark`)."""
    return _beside(warehouse, ".spark")


def chunk_bytes(mib: float) -> int:
    """ZWFW_INGEST_CHUNK_MB in bytes."""
    return int(mib * 2**20)


DBT_TARGET_ENV = "ZWFW_DBT_TARGET"  # the engine that runs the dbt models: duckdb (default) or spark
ENGINES = ("duckdb", "spark")
DBT_MEMORY_ENV = "ZWFW_DBT_MEMORY_LIMIT"
SPARK_DIR_ENV = "ZWFW_SPARK_DIR"  # a local Spark session's metastore (Derby) and warehouse
SPARK_LAKE_ENV = "ZWFW_SPARK_LAKE"  # the lake as a Spark cluster addresses it
SPARK_MASTER_ENV = "ZWFW_SPARK_MASTER"
SPARK_THREADS_ENV = "ZWFW_SPARK_THREADS"
SPARK_DRIVER_MEMORY_ENV = "ZWFW_SPARK_DRIVER_MEMORY"
SPARK_REMOTE_ENV = "SPARK_REMOTE"  # pyspark's own: a Spark Connect server (sc://host:port), not a local JVM
SPARK_CONNECT_OUTPUT = "spark_connect"  # the profile's output for it (a server takes no master nor JVM options)
VOLUME_DROP_ENV = "ZWFW_VOLUME_DROP"  # the volume check warns below this fraction of last week's rows
DBT_BUILD_ENV = "ZWFW_DBT_BUILD"  # for dbt only: the scratch database (dbt/profiles.yml), set from Settings
JAVA_HOME_ENV = "JAVA_HOME"


class EngineError(ValueError):
    """ZWFW_DBT_TARGET names no engine of this project."""


class SettingsError(ValueError):
    """A variable of the environment holds a value the pipeline cannot use."""


def engine_of(target: str | None) -> str:
    """The engine of a profile output: `spark` for both Spark outputs, else `duckdb`."""
    return "spark" if target in ("spark", SPARK_CONNECT_OUTPUT) else "duckdb"


@dataclass(frozen=True)
class Settings:
    """Everything a run is told, resolved once at the edge (the CLI, `dagster dev`'s code
    location, a test) and then passed: to Dagster as resources, to dbt as its process's
    environment (`dbt_environment`). Nothing below the edge reads or writes `os.environ`.

    The key that pseudonymises personal data is not among them: Dagster stores its resources'
    values with each run, so ingestion asks `pii_key()` for it at the step.
    """

    warehouse: Path
    lake: Path
    raw_dir: Path
    report_dir: Path
    dagster_home: Path
    engine: str = "duckdb"
    spark_remote: str = ""
    spark_lake: str = ""
    spark_dir: Path | None = None
    spark_master: str = "local[2]"
    spark_threads: int = 2
    spark_driver_memory: str = "4g"
    dbt_memory_limit: str = "6GB"
    ingest_memory_limit: str = DEFAULT_INGEST_MEMORY_LIMIT
    ingest_chunk_mb: float = DEFAULT_INGEST_CHUNK_MB
    keep_build: bool = False
    volume_drop: float = 0.5

    def __post_init__(self) -> None:
        if self.engine not in ENGINES:
            raise EngineError(f"{DBT_TARGET_ENV}={self.engine!r}: the build runs on one of {', '.join(ENGINES)}")
        if self.spark_dir is None:
            object.__setattr__(self, "spark_dir", spark_path(self.warehouse))

    @classmethod
    def from_environ(
        cls,
        environ: Mapping[str, str] | None = None,
        *,
        warehouse: Path | str | None = None,
        raw_dir: Path | str | None = None,
        engine: str | None = None,
    ) -> Settings:
        """The settings the environment gives (the README's table), arguments first: a location
        left unset is derived from the warehouse, as the README says."""
        env = os.environ if environ is None else environ

        def get(name: str) -> str:
            return (env.get(name) or "").strip()

        def number(name: str, default: float, kind=float):
            text = get(name)
            try:
                return kind(text) if text else default
            except ValueError:
                raise SettingsError(f"{name}={text!r}: expected a number") from None

        published = Path(warehouse or get(WAREHOUSE_ENV) or DEFAULT_WAREHOUSE).absolute().resolve()
        lake = Path(get(LAKE_ENV)).resolve() if get(LAKE_ENV) else published.parent / "lake"
        report = Path(get(REPORT_DIR_ENV)).resolve() if get(REPORT_DIR_ENV) else published.parent / "report"
        spark_dir = Path(get(SPARK_DIR_ENV)).resolve() if get(SPARK_DIR_ENV) else None
        return cls(
            warehouse=published,
            lake=lake,
            raw_dir=Path(raw_dir or get(RAW_DIR_ENV) or DEFAULT_RAW_DIR).absolute().resolve(),
            report_dir=report,
            dagster_home=Path(get(DAGSTER_HOME_ENV) or DEFAULT_DAGSTER_HOME).resolve(),
            engine=(engine or get(DBT_TARGET_ENV) or "duckdb"),
            spark_remote=get(SPARK_REMOTE_ENV),
            spark_lake=get(SPARK_LAKE_ENV),
            spark_dir=spark_dir,
            spark_master=get(SPARK_MASTER_ENV) or "local[2]",
            spark_threads=number(SPARK_THREADS_ENV, 2, int),
            spark_driver_memory=get(SPARK_DRIVER_MEMORY_ENV) or "4g",
            dbt_memory_limit=get(DBT_MEMORY_ENV) or "6GB",
            ingest_memory_limit=get(INGEST_MEMORY_ENV) or DEFAULT_INGEST_MEMORY_LIMIT,
            ingest_chunk_mb=number(INGEST_CHUNK_ENV, DEFAULT_INGEST_CHUNK_MB),
            keep_build=get(KEEP_BUILD_ENV) == "1",
            volume_drop=number(VOLUME_DROP_ENV, 0.5),
        )

    @property
    def build(self) -> Path:
        return build_path(self.warehouse)

    @property
    def dbt_target(self) -> str:
        """The dbt profile's output the build runs on: `duckdb`, `spark` (a local session), or
        `spark_connect` when pyspark's SPARK_REMOTE names a server."""
        return SPARK_CONNECT_OUTPUT if self.engine == "spark" and self.spark_remote else self.engine

    @property
    def ingest_chunk_bytes(self) -> int:
        return chunk_bytes(self.ingest_chunk_mb)

    def dbt_environment(self) -> dict[str, str]:
        """What dbt's profile and sources read, one variable per location, already resolved
        (dbt/profiles.yml derives nothing)."""
        env = {
            WAREHOUSE_ENV: str(self.warehouse),
            DBT_BUILD_ENV: str(self.build),
            LAKE_ENV: str(self.lake),
            SPARK_LAKE_ENV: self.spark_lake or str(self.lake),
            SPARK_DIR_ENV: str(self.spark_dir),
            SPARK_MASTER_ENV: self.spark_master,
            SPARK_THREADS_ENV: str(self.spark_threads),
            SPARK_DRIVER_MEMORY_ENV: self.spark_driver_memory,
            DBT_MEMORY_ENV: self.dbt_memory_limit,
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        }
        if self.spark_remote:
            env[SPARK_REMOTE_ENV] = self.spark_remote
        return env

    def subprocess_environment(self, **extra: str) -> dict[str, str]:
        """This process's environment with `dbt_environment` over it: for a dbt or mf process."""
        return child_environment(self.dbt_environment(), extra)


def child_environment(*overlays: Mapping[str, str]) -> dict[str, str]:
    """The environment of a process this one starts: its own, with `overlays` over it. A child
    is told its settings this way; this process's environment is never written."""
    env = dict(os.environ)
    for overlay in overlays:
        env.update(overlay)
    return env


def java_home() -> str:
    return os.environ.get(JAVA_HOME_ENV) or ""


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
        raise SecretError(
            f"{PII_KEY_ENV} is not set: refusing to load submissions with personal data. Set it to a "
            f"secret of at least {MIN_PII_KEY_LENGTH} characters (or {DEVELOPMENT_KEY_ENV}=1 for the "
            "sample data, which then uses the published development key)"
        )
    if key == DEV_PII_KEY:
        raise SecretError(
            f"{PII_KEY_ENV} is the published development key: its hashes of ID numbers are reversible. "
            f"Set a secret (or {DEVELOPMENT_KEY_ENV}=1 for the sample data)"
        )
    if len(key) < MIN_PII_KEY_LENGTH:
        raise SecretError(f"{PII_KEY_ENV} is shorter than {MIN_PII_KEY_LENGTH} characters: too easy to guess")
    return key

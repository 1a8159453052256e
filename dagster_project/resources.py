"""Where the pipeline reads and writes, and how much memory it takes, as a Dagster resource.

Built from `config.Settings` at the edge (`WarehouseResource.of`), so the Dagster UI shows the
values a run used; nothing here looks at the environment.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from dagster_project import config
from dagster_project import lake as lake_layout


class WarehouseResource(dg.ConfigurableResource):
    """The published warehouse, the scratch database a build works in, the lake, the landing
    zone and the report folder, with the limits of ingestion and of the checks."""

    path: str
    lake: str
    raw_dir: str
    report_dir: str
    spark_dir: str = ""
    keep_build: bool = False
    ingest_memory_limit: str = config.DEFAULT_INGEST_MEMORY_LIMIT
    ingest_chunk_mb: float = config.DEFAULT_INGEST_CHUNK_MB
    volume_drop: float = 0.5

    @classmethod
    def of(cls, settings: config.Settings) -> WarehouseResource:
        return cls(
            path=str(settings.warehouse),
            lake=str(settings.lake),
            raw_dir=str(settings.raw_dir),
            report_dir=str(settings.report_dir),
            spark_dir=str(settings.spark_dir),
            keep_build=settings.keep_build,
            ingest_memory_limit=settings.ingest_memory_limit,
            ingest_chunk_mb=settings.ingest_chunk_mb,
            volume_drop=settings.volume_drop,
        )

    @property
    def file(self) -> Path:
        """The published file analysts read; only publication replaces it, by one rename."""
        return Path(self.path).resolve()

    @property
    def build(self) -> Path:
        return config.build_path(self.file)

    @property
    def dbt_target(self) -> Path:
        """dbt's target folder for this warehouse's builds, kept between them (its saved parse)."""
        return config.dbt_target_path(self.file)

    @property
    def lake_dir(self) -> Path:
        return Path(self.lake).resolve()

    @property
    def landing_zone(self) -> Path:
        return Path(self.raw_dir).resolve()

    @property
    def reports(self) -> Path:
        return Path(self.report_dir).resolve()

    @property
    def spark_session_dir(self) -> Path:
        """A local Spark session's metastore and warehouse (a build on Spark only)."""
        return Path(self.spark_dir).resolve() if self.spark_dir else config.spark_path(self.file)

    @property
    def spark_marts(self) -> Path:
        """Where a build on Spark writes its marts (dbt_project.yml's location_root), as seen here."""
        return self.lake_dir / lake_layout.SPARK_MARTS

    @property
    def ingest_chunk_bytes(self) -> int:
        return config.chunk_bytes(self.ingest_chunk_mb)

    def hold_build_lock(self, context) -> None:
        """Every step of a build holds `<warehouse>.lock` for its run (dagster_project/build_lock.py):
        a second build, from anywhere, fails at its first step naming the running one."""
        from dagster_project import build_lock

        launched_by = (
            context.run.tags.get("zwfw/launched_by") or context.run.tags.get("dagster/schedule_name") or "dagster"
        )
        stale = build_lock.acquire(self.file, context.run_id, launched_by)
        if stale is not None:
            context.log.warning(f"took over the lock of a build that is no longer running ({stale.describe()})")

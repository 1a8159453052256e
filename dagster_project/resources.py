"""Where the pipeline reads and writes, as a Dagster resource."""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg

from dagster_project import config
from dagster_project import lake as lake_layout


class WarehouseResource(dg.ConfigurableResource):
    """The published warehouse, the scratch database a build works in, and the lake.

    Empty fields mean "ask `ZWFW_WAREHOUSE` / `ZWFW_LAKE` at run time", the variables the dbt
    profile and sources read too, so Python and dbt can never point at different places.
    """

    path: str = ""
    lake: str = ""

    @property
    def file(self) -> Path:
        """The published file analysts read; only publication replaces it, by one rename."""
        return Path(self.path).resolve() if self.path else config.warehouse_path()

    @property
    def build(self) -> Path:
        return config.build_path(self.file)

    @property
    def dbt_target(self) -> Path:
        """dbt's target folder for this warehouse's builds, kept between them (its saved parse)."""
        return config.dbt_target_path(self.file)

    @property
    def lake_dir(self) -> Path:
        return Path(self.lake).resolve() if self.lake else config.lake_path(self.file)

    @property
    def spark_dir(self) -> Path:
        """A local Spark session's metastore and warehouse (a build on Spark only)."""
        return config.spark_dir(self.file)

    @property
    def spark_marts(self) -> Path:
        """Where a build on Spark writes its marts (dbt_project.yml's location_root), as seen here."""
        return self.lake_dir / lake_layout.SPARK_MARTS

    def export(self) -> None:
        """Point `ZWFW_WAREHOUSE`, `ZWFW_LAKE` and a local Spark session's folder at this resource's,
        for dbt (`ZWFW_SPARK_LAKE` is the user's alone: unset, dbt reads `ZWFW_LAKE`)."""
        os.environ[config.WAREHOUSE_ENV] = str(self.file)
        os.environ[config.LAKE_ENV] = str(self.lake_dir)
        os.environ[config.SPARK_DIR_ENV] = str(self.spark_dir)

    def hold_build_lock(self, context) -> None:
        """Every step of a build holds `<warehouse>.lock` for its run (dagster_project/build_lock.py):
        a second build, from anywhere, fails at its first step naming the running one."""
        from dagster_project import build_lock

        launched_by = context.run.tags.get("zwfw/launched_by") or context.run.tags.get("dagster/schedule_name") \
            or "dagster"
        stale = build_lock.acquire(self.file, context.run_id, launched_by)
        if stale is not None:
            context.log.warning(f"took over the lock of a build that is no longer running ({stale.describe()})")

"""`zwfw run`: one snapshot through every asset, in-process, then publish atomically."""

from __future__ import annotations

import datetime as dt
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from dagster_project import config
from dagster_project.manifest import ensure_manifest
from dagster_project.publish import prepare_build, publish


@dataclass
class SourceCount:
    source: str
    files: int
    rows_read: int
    rows_loaded: int
    rows_rejected: int


@dataclass
class RunSummary:
    snapshot: dt.date
    warehouse: Path
    success: bool
    published: bool
    seconds: float
    sources: list[SourceCount] = field(default_factory=list)
    models_built: int = 0
    checks_passed: int = 0
    checks_failed: list[str] = field(default_factory=list)
    failed_steps: list[str] = field(default_factory=list)
    bulletin: list[str] = field(default_factory=list)  # the HTML and XLSX the report asset wrote

    def render(self) -> str:
        lines = [f"snapshot {self.snapshot.isoformat()}: {'OK' if self.success else 'FAILED'} in {self.seconds:.1f}s"]
        if self.sources:
            lines.append(f"  {'source':<20}{'files':>6}{'read':>12}{'loaded':>12}{'rejected':>10}")
            for s in self.sources:
                lines.append(f"  {s.source:<20}{s.files:>6}{s.rows_read:>12}{s.rows_loaded:>12}{s.rows_rejected:>10}")
            tot = [sum(getattr(s, a) for s in self.sources) for a in ("rows_read", "rows_loaded", "rows_rejected")]
            lines.append(f"  {'total':<20}{'':>6}{tot[0]:>12}{tot[1]:>12}{tot[2]:>10}")
        lines.append(f"  dbt models built: {self.models_built}; tests passed: {self.checks_passed}, failed: {len(self.checks_failed)}")
        for c in self.checks_failed:
            lines.append(f"    failed test: {c}")
        for s in self.failed_steps:
            lines.append(f"    failed step: {s}")
        if self.published:
            lines.append(f"  published warehouse: {self.warehouse}")
            for path in self.bulletin:
                lines.append(f"  bulletin: {path}")
        else:
            lines.append(f"  NOT published; {self.warehouse} is unchanged")
        return "\n".join(lines)


def _source_counts(warehouse: Path, snapshot: dt.date) -> list[SourceCount]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rows = con.execute(
            """
            select source, count(*), sum(rows_read), sum(rows_loaded), sum(rows_rejected)
            from raw.load_files where snapshot_date = ? group by source order by source
            """,
            [snapshot],
        ).fetchall()
    except duckdb.CatalogException:
        rows = []
    finally:
        con.close()
    return [SourceCount(r[0], int(r[1]), int(r[2] or 0), int(r[3] or 0), int(r[4] or 0)) for r in rows]


def _blocking_failure(check) -> bool:
    """A failed check with ERROR severity fails the run; a warning is only reported."""
    import dagster as dg

    return not check.passed and check.severity == dg.AssetCheckSeverity.ERROR


def run_snapshot(raw_dir: Path, snapshot: dt.date, warehouse: Path) -> RunSummary:
    import dagster as dg

    started = time.monotonic()
    published_file = warehouse.resolve()
    build = prepare_build(published_file)
    os.environ[config.WAREHOUSE_ENV] = str(build)
    os.environ[config.RAW_DIR_ENV] = str(raw_dir.resolve())
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    ensure_manifest()

    from dagster_project.assets.report import BULLETIN_REPORT
    from dagster_project.definitions import defs
    from dagster_project.jobs import WEEKLY_JOB_NAME
    from dagster_project.partitions import SNAPSHOT_PARTITIONS_NAME

    key = snapshot.isoformat()
    with dg.DagsterInstance.ephemeral() as instance:
        instance.add_dynamic_partitions(SNAPSHOT_PARTITIONS_NAME, [key])
        result = defs.resolve_job_def(WEEKLY_JOB_NAME).execute_in_process(
            instance=instance, partition_key=key, raise_on_error=False,
            run_config={"loggers": {"console": {"config": {"log_level": "WARNING"}}}},
        )
        materializations = [e.step_materialization_data.materialization
                            for e in result.get_asset_materialization_events()]
        materialized = [m.asset_key for m in materializations]
        bulletin = [str(m.metadata[k].value) for m in materializations if m.asset_key == BULLETIN_REPORT
                    for k in ("html", "xlsx") if k in m.metadata]
        checks = list(result.get_asset_check_evaluations())
        failed_steps = [e.step_key or "" for e in result.all_events if e.is_step_failure]

    summary = RunSummary(
        snapshot=snapshot,
        warehouse=published_file,
        success=result.success and not any(_blocking_failure(c) for c in checks),
        published=False,
        seconds=0.0,
        models_built=sum(1 for k in materialized if k.path[0] != "raw" and k != BULLETIN_REPORT),
        checks_passed=sum(1 for c in checks if c.passed),
        checks_failed=[f"{c.asset_key.to_user_string()}:{c.check_name}" for c in checks if _blocking_failure(c)],
        failed_steps=failed_steps,
        bulletin=bulletin,
    )
    if build.exists():
        summary.sources = _source_counts(build, snapshot)
    if summary.success:
        publish(build, published_file)
        summary.published = True
    summary.seconds = time.monotonic() - started
    return summary

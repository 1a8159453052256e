"""`zwfw run`: one snapshot through every asset of the weekly job, in-process.

The job itself builds in a scratch database and publishes (`published_warehouse`), exactly as
a run launched from the Dagster UI or the schedule does; this module only sets the locations,
follows the run and summarises it.

The run is recorded in the persistent Dagster instance (`DAGSTER_HOME`, the one `dagster dev`
shows), so the UI lists each snapshot's run, materializations and check results. Dagster's and
dbt's own output goes to the run's log file (`--verbose`: to the terminal); the terminal gets
progress and a summary whose failures say which step failed and why, in one line each.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from dagster_project import build_lock, config
from dagster_project import lake as lake_layout
from dagster_project.manifest import ensure_manifest


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
    checks_passed: int = 0  # dbt tests
    other_checks_passed: int = 0  # the reconciliation (GX) checks
    checks_failed: list[str] = field(default_factory=list)
    failed_steps: list[str] = field(default_factory=list)  # "step: first line of its error"
    bulletin: list[str] = field(default_factory=list)  # the HTML and XLSX the report asset wrote
    worklists: str | None = None  # the index of the units' worklists
    docs: str | None = None  # the dbt docs site of the published warehouse
    log_file: Path | None = None
    run_id: str = ""
    engine: str = ""  # e.g. "duckdb 2.0.1", "spark 4.3.0 (session, local[2])"
    dagster_home: Path | None = None

    def render(self) -> str:
        lines = [f"snapshot {self.snapshot.isoformat()}: {'OK' if self.success else 'FAILED'} in {self.seconds:.1f}s"]
        if self.sources:
            lines.append(f"  {'source':<20}{'files':>6}{'read':>12}{'loaded':>12}{'rejected':>10}")
            for s in self.sources:
                lines.append(f"  {s.source:<20}{s.files:>6}{s.rows_read:>12}{s.rows_loaded:>12}{s.rows_rejected:>10}")
            tot = [sum(getattr(s, a) for s in self.sources) for a in ("rows_read", "rows_loaded", "rows_rejected")]
            lines.append(f"  {'total':<20}{'':>6}{tot[0]:>12}{tot[1]:>12}{tot[2]:>10}")
        if self.engine:
            lines.append(f"  engine: {self.engine}")
        lines.append(
            f"  dbt models built: {self.models_built}; dbt tests passed: {self.checks_passed}; "
            f"reconciliation checks passed: {self.other_checks_passed}; failed: {len(self.checks_failed)}"
        )
        for c in self.checks_failed:
            lines.append(f"    failed test: {c}")
        for s in self.failed_steps:
            lines.append(f"    failed step: {s}")
        if self.published:
            lines.append(f"  published warehouse: {self.warehouse}")
            for path in self.bulletin:
                lines.append(f"  bulletin: {path}")
            if self.worklists:
                lines.append(f"  worklists (查漏补缺, one XLSX per unit): {self.worklists}")
            if self.docs:
                lines.append(f"  dbt docs (lineage, every table and column described): {self.docs}")
        else:
            lines.append(f"  NOT published; {self.warehouse} is unchanged")
        if self.run_id:
            lines.append(f"  dagster run: {self.run_id} (dagster dev shows it; DAGSTER_HOME={self.dagster_home})")
        if self.log_file:
            lines.append(f"  log (Dagster, dbt, stack traces): {self.log_file}")
        return "\n".join(lines)


def _source_counts(lake: Path, snapshot: dt.date) -> list[SourceCount]:
    """Per source, the snapshot's files and rows, from the lake's `load_files.parquet`."""
    files = lake_layout.meta_glob(lake, lake_layout.LOAD_FILES_FILE).replace("'", "''")
    con = duckdb.connect()
    try:
        rows = con.execute(
            f"""
            select source, count(*), sum(rows_read), sum(rows_loaded), sum(rows_rejected)
            from read_parquet('{files}', hive_partitioning = true)
            where snapshot_date = ? group by source order by source
            """,
            [snapshot],
        ).fetchall()
    except duckdb.IOException:  # nothing ingested yet
        rows = []
    finally:
        con.close()
    return [SourceCount(r[0], int(r[1]), int(r[2] or 0), int(r[3] or 0), int(r[4] or 0)) for r in rows]


def _blocking_failure(check) -> bool:
    """A failed check with ERROR severity fails the run; a warning is only reported."""
    import dagster as dg

    return not check.passed and check.severity == dg.AssetCheckSeverity.ERROR


def _error_line(event) -> str:
    """The first line of a failed step's underlying error, without the exception's class name."""
    error = getattr(event.event_specific_data, "error", None)
    while (
        error is not None and error.cause is not None and "DagsterExecutionStepExecutionError" in (error.cls_name or "")
    ):
        error = error.cause
    if error is None:
        return "no error recorded (see the log)"
    first = next((line.strip() for line in (error.message or "").splitlines() if line.strip()), error.cls_name or "")
    for prefix in (f"{error.cls_name}: ", f"dagster_project.ingest.errors.{error.cls_name}: "):
        first = first.removeprefix(prefix)
    return (
        first.split(": ", 1)[1]
        if first.startswith(("dagster_project.", "dagster.", "dagster_dbt.")) and ": " in first
        else first
    )


def dagster_instance(home: Path):
    """The persistent instance of DAGSTER_HOME (default: .dagster_home in the project, as dev.py sets)."""
    import dagster as dg

    from dagster_project.instance import write_settings

    write_settings(home)
    return dg.DagsterInstance.from_config(str(home))


@contextlib.contextmanager
def _output_to(log_file: Path | None):
    """Send file descriptors 1 and 2 (Python, Dagster, dbt's subprocess alike) to `log_file`; yield
    a stream on the terminal's stdout for progress."""
    if log_file is None:
        yield sys.stdout
        return
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    terminal = os.fdopen(os.dup(saved[0]), "w", buffering=1, encoding="utf-8")
    log_file.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(log_file, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o640)
    try:
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        yield terminal
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for f in (fd, *saved):
            os.close(f)
        terminal.close()


def _dbt_counts() -> tuple[int, int]:
    """How many dbt models and dbt tests the weekly job runs (for 'N of M')."""
    from dagster_project.assets.dbt import zwfw_dbt_models

    return len(zwfw_dbt_models.keys), len(list(zwfw_dbt_models.check_specs))


def _dbt_check_keys() -> set:
    from dagster_project.assets.dbt import zwfw_dbt_models

    return set(zwfw_dbt_models.check_keys)


def _check_key(evaluation):
    import dagster as dg

    return dg.AssetCheckKey(evaluation.asset_key, evaluation.check_name)


def run_snapshot(settings: config.Settings, snapshot: dt.date, verbose: bool = False) -> RunSummary:
    """Build, check and publish `snapshot` from `settings.raw_dir` into `settings.warehouse`."""
    started = time.monotonic()
    published_file = settings.warehouse
    log_file = (
        None
        if verbose
        else (published_file.parent / "logs" / f"run-{snapshot.isoformat()}-{dt.datetime.now():%Y%m%dT%H%M%S}.log")
    )
    with _output_to(log_file) as terminal:
        summary = _run(settings, snapshot, terminal)
    summary.log_file = log_file
    summary.seconds = time.monotonic() - started
    return summary


def _run(settings: config.Settings, snapshot: dt.date, terminal) -> RunSummary:
    run_id = str(uuid.uuid4())
    # before anything starts: a second build of this warehouse stops here, naming the running one
    stale = build_lock.acquire(settings.warehouse, run_id, "zwfw run")
    if stale is not None:
        print(f"zwfw run: took over the lock of a build that is no longer running ({stale.describe()})", file=terminal)
    try:
        ensure_manifest()
        return _execute(settings, snapshot, run_id, terminal)
    finally:
        build_lock.release(settings.warehouse)


def _execute(settings: config.Settings, snapshot: dt.date, run_id: str, terminal) -> RunSummary:
    from dagster_project import engine
    from dagster_project.assets.publication import PUBLISHED_WAREHOUSE
    from dagster_project.assets.report import REPORT_ASSETS, report_outputs
    from dagster_project.definitions import build_definitions, run_steps
    from dagster_project.jobs import WEEKLY_JOB_NAME
    from dagster_project.partitions import SNAPSHOT_PARTITIONS_NAME
    from dagster_project.progress import ProgressReporter

    key = snapshot.isoformat()
    instance = dagster_instance(settings.dagster_home)
    if not instance.has_dynamic_partition(SNAPSHOT_PARTITIONS_NAME, key):
        instance.add_dynamic_partitions(SNAPSHOT_PARTITIONS_NAME, [key])
    models, tests = _dbt_counts()
    dbt_checks = _dbt_check_keys()
    with ProgressReporter(instance, run_id, terminal, run_steps(), models, tests):
        result = (
            build_definitions(settings)
            .resolve_job_def(WEEKLY_JOB_NAME)
            .execute_in_process(
                instance=instance,
                partition_key=key,
                raise_on_error=False,
                run_id=run_id,
                tags={"zwfw/launched_by": "zwfw run", "zwfw/raw_dir": str(settings.raw_dir)},
                run_config={"loggers": {"console": {"config": {"log_level": "WARNING"}}}},
            )
        )
        materializations = [
            e.step_materialization_data.materialization for e in result.get_asset_materialization_events()
        ]
        materialized = [m.asset_key for m in materializations]
        outputs = report_outputs(materializations)
        checks = list(result.get_asset_check_evaluations())
        failed_steps = [f"{e.step_key}: {_error_line(e)}" for e in result.all_events if e.is_step_failure]
        if not failed_steps:  # nothing failed, yet Dagster skipped a step: an upstream asset was never materialized
            failed_steps = [
                f"{e.step_key}: skipped, an asset upstream of it was not materialized"
                for e in result.all_events
                if e.is_step_skipped
            ]

        summary = RunSummary(
            snapshot=snapshot,
            warehouse=settings.warehouse,
            success=result.success and not any(_blocking_failure(c) for c in checks),
            published=False,
            seconds=0.0,
            models_built=sum(
                1 for k in materialized if k.path[0] != "raw" and k not in (*REPORT_ASSETS, PUBLISHED_WAREHOUSE)
            ),
            checks_passed=sum(1 for c in checks if c.passed and _check_key(c) in dbt_checks),
            other_checks_passed=sum(1 for c in checks if c.passed and _check_key(c) not in dbt_checks),
            checks_failed=[
                f"{c.asset_key.to_user_string()}:{c.check_name}" + (f" ({c.description})" if c.description else "")
                for c in checks
                if _blocking_failure(c)
            ],
            failed_steps=failed_steps,
            bulletin=outputs.bulletin,
            worklists=outputs.worklists,
            docs=outputs.docs,
            run_id=run_id,
            engine=engine.describe(settings),
            dagster_home=settings.dagster_home,
        )
        summary.sources = _source_counts(settings.lake, snapshot)
        summary.published = PUBLISHED_WAREHOUSE in materialized
        summary.success = summary.success and summary.published
    return summary

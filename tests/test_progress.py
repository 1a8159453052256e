"""Progress lines from Dagster events: per source rows and rate, dbt as N of M, one line per step."""

from __future__ import annotations

import io
from types import SimpleNamespace as NS

from dagster_project.progress import ProgressReporter, RunProgress, Steps

STEPS = Steps(
    {"raw__cases": "ingest cases", "zwfw_dbt_models": "dbt", "bulletin_report": "bulletin"}, dbt="zwfw_dbt_models"
)


def _event(kind, step, asset=None, metadata=None):
    data = None
    if asset is not None:
        data = NS(materialization=NS(asset_key=NS(path=asset), metadata=metadata or {}))
    return NS(event_type_value=kind, step_key=step, event_specific_data=data)


def _md(**values):
    return {k: NS(value=v) for k, v in values.items()}


def test_ingestion_dbt_and_failure_lines():
    p = RunProgress(steps=STEPS, dbt_models=3, dbt_tests=5)
    p.feed(_event("STEP_START", "raw__cases"), 100.0)
    p.feed(_event("ASSET_MATERIALIZATION", "raw__cases", ["raw", "cases"], _md(rows_read=20_000, file_count=2)), 102.0)
    p.feed(_event("STEP_SUCCESS", "raw__cases"), 102.0)
    p.feed(_event("STEP_START", "zwfw_dbt_models"), 103.0)
    p.feed(_event("ASSET_MATERIALIZATION", "zwfw_dbt_models", ["stg_cases"]), 104.0)
    p.feed(_event("ASSET_CHECK_EVALUATION", "zwfw_dbt_models"), 104.5)
    assert p.live_lines(105.0) == ["dbt: 1 of 3 models, 1 of 5 tests (2s) stg_cases"]
    p.feed(_event("STEP_FAILURE", "zwfw_dbt_models"), 110.0)
    assert p.finished == [
        "ingest cases done in 2.0s: 2 files, 20,000 rows (10,000 rows/s)",
        "dbt FAILED in 7.0s: 1 of 3 models, 1 of 5 tests",
    ]
    assert p.live_lines(111.0) == []


def test_step_labels_come_from_the_definitions():
    from dagster_project import config
    from dagster_project.definitions import build_definitions, run_steps

    steps = run_steps()
    assert steps.label("raw__e_seals") == "ingest e_seals"
    assert steps.label("gx_reconciliation_checks") == "checks"
    assert steps.label("bulletin_report") == "bulletin"
    job = build_definitions(config.Settings.from_environ()).resolve_job_def("weekly_snapshot")
    assert {node.name for node in job.graph.node_defs} <= set(steps.labels)  # every step of the job has its label
    assert steps.dbt in steps.labels


def test_off_a_terminal_each_finished_step_is_one_plain_line():
    records = [
        NS(event_log_entry=NS(timestamp=t, dagster_event=e))
        for t, e in ((1.0, _event("STEP_START", "bulletin_report")), (1.5, _event("STEP_SUCCESS", "bulletin_report")))
    ]
    instance = NS(
        get_records_for_run=lambda run_id, cursor=None: NS(records=records if cursor is None else [], cursor="end")
    )
    out = io.StringIO()
    with ProgressReporter(instance, "run", out, STEPS, 0, 0, interval=0.01) as reporter:
        reporter.line("publish done in 0.1s: /w/zwfw.duckdb")
    assert out.getvalue().splitlines() == [
        "publish done in 0.1s: /w/zwfw.duckdb",
        "bulletin done in 0.5s",
    ] or out.getvalue().splitlines() == ["bulletin done in 0.5s", "publish done in 0.1s: /w/zwfw.duckdb"]
    assert "\x1b" not in out.getvalue()  # no terminal codes in logs


class _Clock:
    def __init__(self, t: float = 0.0):
        self.t = t

    def __call__(self) -> float:
        return self.t


def test_generate_progress_off_a_terminal_is_one_line_per_file(tmp_path):
    from dagster_project.progress import FileProgress

    out, clock = io.StringIO(), _Clock(10.0)
    with FileProgress(out, tmp_path, clock=clock) as progress:
        clock.t = 12.0
        progress("cases", tmp_path / "cases" / "part-000.csv", 1_000)
        clock.t = 14.0
        progress("cases", tmp_path / "cases" / "part-001.parquet", 3_000)
    assert out.getvalue().splitlines() == [
        "wrote cases/part-000.csv: 1,000 rows in 2.0s (so far 1,000 rows, 500 rows/s)",
        "wrote cases/part-001.parquet: 3,000 rows in 2.0s (so far 4,000 rows, 1,000 rows/s)",
    ]


def test_generate_progress_on_a_terminal_is_live_per_source(tmp_path):
    from dagster_project.progress import FileProgress

    clock = _Clock(0.0)
    progress = FileProgress(io.StringIO(), tmp_path, clock=clock)
    assert progress.live_lines(3.0) == ["generate: building the world … 3s"]
    progress("regions", tmp_path / "regions.csv", 176)
    progress("cases", tmp_path / "cases" / "part-000.csv", 10_000)
    progress("cases", tmp_path / "cases" / "part-001.csv", 10_000)
    assert progress.live_lines(4.0) == [
        "regions               1 file             176 rows (44 rows/s)",
        "cases                 2 files         20,000 rows (5,000 rows/s)",
    ]

"""`zwfw run` records its runs in the persistent Dagster instance that `dagster dev` shows, and a
failure inside a run is summarised as the failing step and the first line of its reason."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e
ZWFW = str(Path(sys.executable).with_name("zwfw"))


def test_weekly_runs_are_in_the_instance_with_partitions_materializations_and_checks(weekly_warehouse):
    import dagster as dg

    from dagster_project.jobs import WEEKLY_JOB_NAME
    from dagster_project.partitions import SNAPSHOT_PARTITIONS_NAME

    with dg.DagsterInstance.from_config(str(weekly_warehouse["dagster_home"])) as instance:
        # the fixture's two `zwfw run`s, tagged as such (other tests launch jobs through Dagster itself)
        runs = instance.get_runs(
            dg.RunsFilter(
                job_name=WEEKLY_JOB_NAME, statuses=[dg.DagsterRunStatus.SUCCESS], tags={"zwfw/launched_by": "zwfw run"}
            )
        )
        partitions = {r.tags.get("dagster/partition") for r in runs}
        assert {"2020-12-18", "2020-12-25"} <= partitions
        assert {"2020-12-18", "2020-12-25"} <= set(instance.get_dynamic_partitions(SNAPSHOT_PARTITIONS_NAME))
        # what the asset page shows: the latest materialization of fct_metrics, per partition
        key = dg.AssetKey(["fct_metrics"])
        materialized = instance.get_materialized_partitions(key)
        assert {"2020-12-18", "2020-12-25"} <= set(materialized)
        # what the checks tab shows: the GX checks evaluated and passed in the latest run
        latest = max(runs, key=lambda r: instance.get_run_record_by_id(r.run_id).create_timestamp)
        evaluations = instance.get_records_for_run(
            latest.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION
        ).records
        names = {e.event_log_entry.dagster_event.event_specific_data.check_name for e in evaluations}
        assert {"gx_metrics_reconcile", "gx_raw_to_warehouse"} <= names
        from dagster_project.assets.dbt import zwfw_dbt_models

        assert {key.name for key in zwfw_dbt_models.check_keys} <= names  # every dbt test too
    # and the summary said where to find it
    assert "dagster run: " in weekly_warehouse["second"].stdout
    assert "log (Dagster, dbt, stack traces): " in weekly_warehouse["second"].stdout


def test_the_summary_counts_dbt_tests_as_the_progress_line_does(weekly_warehouse):
    """'N of M tests' while dbt runs and 'dbt tests passed: N' after it count the same things."""
    import re

    from dagster_project.assets.dbt import zwfw_dbt_models

    out = weekly_warehouse["second"].stdout
    tests = len(list(zwfw_dbt_models.check_specs))
    assert f"{tests} of {tests} tests" in out
    assert re.search(rf"dbt tests passed: {tests}; reconciliation checks passed: [1-9][0-9]*; failed: 0", out), out


def test_a_failing_step_is_named_with_its_reason_in_one_line(tmp_path):
    raw, wh = tmp_path / "raw", tmp_path / "wh" / "zwfw.duckdb"
    subprocess.run(
        [ZWFW, "generate", "--world", "sample", "--out", str(raw), "--snapshot", "2020-12-25", "--scale", "0.02"],
        check=True,
        capture_output=True,
    )
    departments = raw / "2020-12-25" / "departments.csv"
    data = departments.read_bytes()  # the sample writes it in GB18030: edit the ASCII header as bytes
    header, rest = data.split(b"\n", 1)
    departments.write_bytes(header.replace(b"dept_name", b"dept_title") + b"\n" + rest)  # a required column renamed
    proc = subprocess.run(
        [ZWFW, "run", "--raw-dir", str(raw), "--snapshot", "2020-12-25", "--warehouse", str(wh)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1
    assert (
        f"failed step: raw__departments: {departments.absolute()}: missing required column 'dept_name'" in proc.stdout
    ), proc.stdout
    for trace in ("Traceback", "Stack Trace"):  # stack traces go to the log file
        assert trace not in proc.stdout + proc.stderr
    log = next(line.split(": ", 1)[1] for line in proc.stdout.splitlines() if line.strip().startswith("log ("))
    assert 'raise IngestError(f"missing required column' in Path(log).read_text(encoding="utf-8")  # the frame
    assert not wh.exists()  # nothing published
    assert proc.stderr.count("ZWFW_PII_KEY") <= 1  # each warning once per run

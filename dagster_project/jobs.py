"""The weekly job and its Friday schedule."""

from __future__ import annotations

import datetime as dt

import dagster as dg

from dagster_project.partitions import SNAPSHOT_PARTITIONS_NAME

WEEKLY_JOB_NAME = "weekly_snapshot"

weekly_snapshot_job = dg.define_asset_job(
    WEEKLY_JOB_NAME,
    selection=dg.AssetSelection.all(),
    description="Ingest one snapshot's submissions and build every dbt model and test for it.",
)


def snapshot_for(scheduled_time: dt.datetime) -> str:
    """A Friday-evening tick computes the snapshot named by that Friday (CONTRACT §1)."""
    return scheduled_time.date().isoformat()


@dg.schedule(
    job=weekly_snapshot_job,
    cron_schedule="0 18 * * 5",
    execution_timezone="Asia/Shanghai",
    description="Every Friday 18:00 Asia/Shanghai, once the week's submissions have landed.",
)
def weekly_snapshot_schedule(context: dg.ScheduleEvaluationContext):
    key = snapshot_for(context.scheduled_execution_time)
    # Schedules cannot emit dynamic-partition requests, so register the snapshot directly.
    if not context.instance.has_dynamic_partition(SNAPSHOT_PARTITIONS_NAME, key):
        context.instance.add_dynamic_partitions(SNAPSHOT_PARTITIONS_NAME, [key])
    return dg.RunRequest(run_key=key, partition_key=key)


__all__ = ["weekly_snapshot_job", "weekly_snapshot_schedule"]

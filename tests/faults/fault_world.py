"""The small sample world the fault suite's whole-build tests share, and how they start a run."""

from __future__ import annotations

import os
from pathlib import Path

from warehouse_helpers import BIN, dagster_job, zwfw_run  # noqa: F401 (the fault tests import them here)

SNAPSHOTS = ("2020-12-04", "2020-12-11", "2020-12-18", "2020-12-25")  # a backfill, then weekly deltas


def dagster_home(home: Path, *snapshots: str) -> Path:
    """A Dagster instance of its own (telemetry off) where `snapshots` are partitions already, as
    the UI's "Add partition" or the schedule registers them before a run of the job."""
    import dagster as dg

    from dagster_project.instance import write_settings
    from dagster_project.partitions import SNAPSHOT_PARTITIONS_NAME

    old = os.umask(0o027)  # a private instance, as zwfw and the code location make their files
    try:
        home.mkdir(parents=True, exist_ok=True)
        write_settings(home)
        with dg.DagsterInstance.from_config(str(home)) as instance:
            instance.add_dynamic_partitions(SNAPSHOT_PARTITIONS_NAME, list(snapshots))
    finally:
        os.umask(old)
    return home

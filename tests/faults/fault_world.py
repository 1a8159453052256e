"""The small sample world the fault suite's whole-build tests share, and how they start a run."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

BIN = Path(sys.executable).parent
SNAPSHOTS = ("2020-12-04", "2020-12-11", "2020-12-18", "2020-12-25")  # a backfill, then weekly deltas


def zwfw_run(published: Path, raw: Path, snapshot: str, prefix: list[str] | None = None) -> list[str]:
    """The command of a `zwfw run` (or of `prefix`, a wrapper taking the same arguments)."""
    return [
        *(prefix or [str(BIN / "zwfw")]),
        "run",
        "--raw-dir",
        str(raw),
        "--snapshot",
        snapshot,
        "--warehouse",
        str(published),
    ]


def dagster_job(snapshot: str) -> list[str]:
    """The weekly job of one snapshot as the Dagster UI or the schedule launches it (the warehouse,
    lake and raw folder from the environment, as `dagster dev` reads them)."""
    return [
        str(BIN / "dagster"),
        "job",
        "execute",
        "-m",
        "dagster_project.definitions",
        "-j",
        "weekly_snapshot",
        "--tags",
        json.dumps({"dagster/partition": snapshot}),
    ]


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

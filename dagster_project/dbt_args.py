"""dbt command lines, built by pure functions so they can be tested without running dbt."""

from __future__ import annotations

import datetime as dt
import json


def dbt_vars(snapshot_date: dt.date) -> dict[str, str]:
    return {"snapshot_date": snapshot_date.isoformat()}


def dbt_build_args(snapshot_date: dt.date, select: str | None = None) -> list[str]:
    """`dbt build` for one snapshot: models, seeds, snapshots and their tests in DAG order."""
    args = ["build", "--vars", json.dumps(dbt_vars(snapshot_date), sort_keys=True)]
    if select:
        args += ["--select", select]
    return args


def dbt_parse_args() -> list[str]:
    """`dbt parse` needs a snapshot var only to compile; any valid date does."""
    return ["parse", "--vars", json.dumps(dbt_vars(dt.date(2000, 1, 7)))]

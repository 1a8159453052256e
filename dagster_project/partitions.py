"""Snapshots are dynamic partitions: a snapshot exists once its submissions have landed.

Weekly runs use the Friday, but re-runs, corrections and the bulletin's own dates
(table 8 is dated a Monday) need any date, so the keys are not a fixed calendar.
"""

from __future__ import annotations

import datetime as dt

import dagster as dg

SNAPSHOT_PARTITIONS_NAME = "snapshot"

snapshot_partitions = dg.DynamicPartitionsDefinition(name=SNAPSHOT_PARTITIONS_NAME)


def parse_snapshot(key: str) -> dt.date:
    """A partition key is an ISO date; anything else is a caller's mistake worth a clear error."""
    try:
        return dt.date.fromisoformat(key)
    except ValueError:
        raise ValueError(f"snapshot must be an ISO date YYYY-MM-DD, got {key!r}") from None

"""Read what the bulletin needs from the warehouse: one snapshot's marts and the previous one's.

The file is opened read-only, everything is read into memory and the connection is closed before
anything is rendered, so a report never holds the DuckDB file while a build writes it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from dagster_project import published
from dagster_project.published import PublishedError
from dagster_project.report.layout import APPENDIX_MARTS, HISTORY_MART, MARTS, TREND_SNAPSHOTS

METRICS = "fct_metrics"

Row = dict[str, object]


# The warehouse cannot give a bulletin (no such file or snapshot, marts missing): the published
# warehouse's own error, so one `except` covers both.
ReportError = PublishedError


@dataclass
class MartData:
    snapshot: dt.date
    previous: dt.date | None
    rows: dict[str, list[Row]] = field(default_factory=dict)
    previous_rows: dict[str, list[Row]] = field(default_factory=dict)
    # (metric_code, scope, unit_code) → the values of the last TREND_SNAPSHOTS snapshots up to
    # this one, oldest first (None where the unit had no figure); empty without fct_metric_history.
    trends: dict[tuple[str, str, str], list[float | None]] = field(default_factory=dict)
    trend_snapshots: list[dt.date] = field(default_factory=list)

    def current(self, mart: str) -> list[Row]:
        return self.rows.get(mart, [])

    def before(self, mart: str) -> list[Row]:
        return self.previous_rows.get(mart, [])

    def trend(self, metric_code: str, scope: str, unit_code: str) -> list[float | None] | None:
        return self.trends.get((metric_code, scope, unit_code))


def _trends(con: duckdb.DuckDBPyConnection, snapshots: list[dt.date]) -> dict[tuple[str, str, str], list]:
    rows = con.execute(
        f"select metric_code, scope, unit_code, snapshot_date, value from marts.{HISTORY_MART} "
        f"where snapshot_date in ({', '.join('?' for _ in snapshots)})",
        snapshots,
    ).fetchall()
    index = {d: i for i, d in enumerate(snapshots)}
    out: dict[tuple[str, str, str], list] = {}
    for metric, scope, unit, day, value in rows:
        out.setdefault((metric, scope, unit), [None] * len(snapshots))[index[day]] = value
    return out


def _fetch(con: duckdb.DuckDBPyConnection, mart: str, snapshot: dt.date) -> list[Row]:
    return published.rows(
        con, f"select * from marts.{mart} where snapshot_date = ? order by scope, print_order", [snapshot]
    )


def read_marts(warehouse: Path, snapshot: dt.date | None = None) -> MartData:
    """`snapshot` None = the latest published; the previous snapshot is the latest one before it."""
    if not Path(warehouse).exists():
        raise ReportError(f"no warehouse at {warehouse}")
    con = published.connect(warehouse)
    try:
        present = {
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables where table_schema = 'marts'"
            ).fetchall()
        }
        missing = [m for m in (*MARTS, METRICS) if m not in present]
        if missing:
            raise ReportError(f"{warehouse}: marts missing ({', '.join(missing)}); build it with `zwfw run`")
        snapshots = published.snapshots(con)
        snapshot = published.resolve(snapshots, warehouse, snapshot, shown=None)
        data = MartData(snapshot=snapshot, previous=published.previous(snapshots, snapshot))
        for mart in (*MARTS, *(m for m in APPENDIX_MARTS if m in present)):
            data.rows[mart] = _fetch(con, mart, snapshot)
            if data.previous is not None:
                data.previous_rows[mart] = _fetch(con, mart, data.previous)
        if HISTORY_MART in present:
            data.trend_snapshots = [s for s in snapshots if s <= snapshot][-TREND_SNAPSHOTS:]
            data.trends = _trends(con, data.trend_snapshots)
    finally:
        con.close()
    return data

"""The bulletin assembled: its tables, then the letter written from them.

Kept apart from `model` (the tables) and `workpoints` (the letter) so that imports run one way:
layout → model → workpoints → bulletin.
"""

from __future__ import annotations

import datetime as dt

from dagster_project.report.marts import MartData
from dagster_project.report.model import Bulletin, build_appendix, build_tables
from dagster_project.report.workpoints import work_points


def build_bulletin(data: MartData, issued: dt.date | None = None) -> Bulletin:
    """`issued` is the date printed in the title block (default: the snapshot date)."""
    tables = build_tables(data)
    return Bulletin(
        snapshot=data.snapshot,
        previous=data.previous,
        issued=issued or data.snapshot,
        tables=tables,
        trend_snapshots=data.trend_snapshots,
        work_points=work_points(tables),
        appendix=build_appendix(data),
    )

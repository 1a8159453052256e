"""The printed 2020-12-25 bulletin's tables, as the generator's targets.

A copy of the printed tables (`tests/fixtures/bulletin-2020-12-25/tNN.csv`) ships with the package
so that `zwfw generate` works without the test fixtures. Cells stay text: `92.12%`, `-`, `100%`.
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources

TOTAL_NAMES = ("合计", "总计")


@cache
def printed_table(stem: str) -> tuple[dict[str, str], ...]:
    """Rows of one printed table (`t01`, `t08a`, …) keyed by the printed header, 合计 included."""
    path = resources.files(__package__) / "bulletin_2020_12_25" / f"{stem}.csv"
    with path.open(encoding="utf-8", newline="") as f:
        return tuple(dict(r) for r in csv.DictReader(f))


def unit_rows(stem: str) -> tuple[dict[str, str], ...]:
    """The unit rows of a printed table, without its 合计/总计 row."""
    return tuple(r for r in printed_table(stem) if list(r.values())[1] not in TOTAL_NAMES)


def total_row(stem: str) -> dict[str, str] | None:
    rows = [r for r in printed_table(stem) if list(r.values())[1] in TOTAL_NAMES]
    return rows[0] if rows else None


STEMS = (
    "t01",
    "t02",
    "t03",
    "t04",
    "t05",
    "t06",
    "t07",
    "t08a",
    "t08b",
    "t09",
    "t10",
    "t11a",
    "t11b",
    "t12",
    "t13",
    "t14",
    "t15a",
    "t15b",
    "t16",
    "t17a",
    "t17b",
    "t18",
)

"""Mart rows written by hand, for report tests that need no warehouse.

`ratio(num, den, text)` expands into the four columns a mart carries for a printed ratio
(`x`, `x_text`, `x_numerator`, `x_denominator`); tables not given are empty.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dagster_project.report.marts import MartData

SNAPSHOT = dt.date(2020, 12, 25)
PREVIOUS = dt.date(2020, 12, 18)


@dataclass
class ratio:
    num: float
    den: float
    text: str

    @property
    def value(self) -> float | None:
        return self.num / self.den if self.den else None


def row(scope: str, order: int, code: str, name: str, total: bool = False, **fields) -> dict:
    out: dict = {
        "snapshot_date": SNAPSHOT,
        "scope": scope,
        "print_order": order,
        "unit_code": code,
        "unit_name": name,
        "is_total": total,
    }
    for key, value in fields.items():
        if isinstance(value, ratio):
            out.update(
                {
                    key: value.value,
                    f"{key}_text": value.text,
                    f"{key}_numerator": value.num,
                    f"{key}_denominator": value.den,
                }
            )
        else:
            out[key] = value
    return out


def t14(name: str, code: str, order: int, coverage: ratio, rectify: ratio, total: bool = False) -> dict:
    return row(
        "province_dept",
        order,
        code,
        name,
        total,
        active_evals=int(coverage.num),
        active_eval_rate=ratio(1, 2, "50.00%"),
        eval_completeness=ratio(1, 1, "100.00%"),
        item_coverage=coverage,
        rectify_on_time=rectify,
    )


def data(current: dict[str, list[dict]], previous: dict[str, list[dict]] | None = None) -> MartData:
    return MartData(
        snapshot=SNAPSHOT,
        previous=PREVIOUS if previous is not None else None,
        rows=current,
        previous_rows=previous or {},
    )

"""The glossary seeds as Python: the one source of a metric's name, formula, unit, kind and
bounds (dbt/seeds/metric_glossary.csv) and of a table's title and notes (bulletin_tables.csv).

What is written from them is generated here, never by hand (`python -m dagster_project.glossary`
writes both; tests/test_glossary.py fails while either is stale): the MetricFlow metrics
(dbt/models/semantic/_bulletin_metrics.yml) and fct_metrics' data test of the shares' bounds
(dbt/tests/fct_metrics_shares_within_bounds.sql). The reconciliation checks read the kinds.
"""

from __future__ import annotations

import csv
import functools
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from dagster_project import config

GLOSSARY_CSV = config.DBT_PROJECT_DIR / "seeds" / "metric_glossary.csv"
TABLES_CSV = config.DBT_PROJECT_DIR / "seeds" / "bulletin_tables.csv"
SEMANTIC_METRICS_YML = config.DBT_PROJECT_DIR / "models" / "semantic" / "_bulletin_metrics.yml"
SHARES_TEST_SQL = config.DBT_PROJECT_DIR / "tests" / "fct_metrics_shares_within_bounds.sql"
RATIO_KINDS = ("percent", "percent_floor", "per_head")  # figures with a numerator and a denominator


@dataclass(frozen=True)
class Metric:
    code: str
    table_no: int
    name: str
    value_kind: str  # percent, percent_floor, per_head, count, text (how fct_metrics prints it)
    unit_of_measure: str
    may_exceed_100: bool  # a ratio that may pass 100 % (events per case, per head, a target overshot)
    formula: str
    numerator: str
    denominator: str

    @property
    def is_ratio(self) -> bool:
        return self.value_kind in RATIO_KINDS


@functools.cache
def metrics(path: Path = GLOSSARY_CSV) -> tuple[Metric, ...]:
    """Every published metric, in the glossary's (the bulletin's) order (read once)."""
    with Path(path).open(encoding="utf-8", newline="") as f:
        return tuple(
            Metric(
                code=r["metric_code"],
                table_no=int(r["table_no"]),
                name=r["metric_name"],
                value_kind=r["value_kind"],
                unit_of_measure=r["unit_of_measure"],
                may_exceed_100=r["may_exceed_100"] == "true",
                formula=r["formula"],
                numerator=r["numerator"],
                denominator=r["denominator"],
            )
            for r in csv.DictReader(f)
        )


@functools.cache
def _tables() -> tuple[dict[str, str], ...]:
    with TABLES_CSV.open(encoding="utf-8", newline="") as f:
        return tuple(csv.DictReader(f))


def table_titles() -> dict[int, str]:
    """The bulletin's 18 tables: number → title as printed."""
    return {int(r["table_no"]): r["table_title"] for r in _tables()}


def table_notes() -> dict[int, tuple[str, ...]]:
    """The bulletin's 18 tables: number → the notes printed under it (注：1. … 2. …), one per line
    of `table_notes`; `{year}` stands for the snapshot's year, `{target_each}` for table 18's target."""
    return {int(r["table_no"]): tuple(n for n in r["table_notes"].split("\n") if n) for r in _tables()}


_HEADER = """\
# GENERATED from dbt/seeds/metric_glossary.csv by `python -m dagster_project.glossary`: do not
# edit; change the glossary and run it again (tests/test_semantic_layer.py fails while stale).
# The bulletin's metrics for MetricFlow, one per published metric code: ratios as ratio metrics
# of the figures' numerators and denominators, counts as sums. Each sums over units, never over
# 合计 rows, so any regrouping (city, scope, week) is a ratio of sums, as the bulletin's own 合计 is.
version: 2

metrics:
"""


def _filter(code: str) -> str:
    return f"\"{{{{ Dimension('figure__metric_code') }}}} = '{code}' and not {{{{ Dimension('figure__is_total') }}}}\""


def render_semantic_metrics(glossary: Sequence[Metric]) -> str:
    """The MetricFlow metrics of every metric that is not a text."""
    out = [_HEADER]
    for m in glossary:
        if m.value_kind == "text":
            continue
        out.append(f'  - name: {m.code}\n    label: "表{m.table_no} {m.name}"\n    description: "{m.formula}"\n')
        if m.is_ratio:
            out.append(
                "    type: ratio\n    type_params:\n"
                f"      numerator:\n        name: figure_numerator\n        filter: {_filter(m.code)}\n"
                f"      denominator:\n        name: figure_denominator\n        filter: {_filter(m.code)}\n"
            )
        else:
            out.append(
                f"    type: simple\n    type_params:\n      measure:\n        name: count_value\n"
                f"        filter: {_filter(m.code)}\n"
            )
    return "".join(out)


def render_shares_test(glossary: Sequence[Metric]) -> str:
    """fct_metrics' test that every share lies in [0, 1] and never has a numerator above its
    denominator, except the ratios the glossary lets pass 100 % (NULL parts pass)."""
    unbounded = ",\n".join(f"        '{m.code}'" for m in glossary if m.may_exceed_100)
    return f"""\
-- GENERATED from dbt/seeds/metric_glossary.csv by `python -m dagster_project.glossary`: do not
-- edit. Every share of fct_metrics lies in [0, 1] and its numerator never exceeds its
-- denominator, except the ratios the glossary marks may_exceed_100. Returns the rows that break it.
select
    snapshot_date,
    table_no,
    metric_code,
    scope,
    unit_code,
    numerator,
    denominator,
    value
from {{{{ ref('fct_metrics') }}}}
where
    numerator is not null
    and metric_code not in (
{unbounded}
    )
    and (numerator > denominator or value < 0 or value > 1)
"""


GENERATED = ((SEMANTIC_METRICS_YML, render_semantic_metrics), (SHARES_TEST_SQL, render_shares_test))


def main() -> int:
    glossary = metrics()
    for path, render in GENERATED:
        path.write_text(render(glossary), encoding="utf-8")
        print(f"wrote {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Where the printed 2020-12-25 bulletin contradicts itself, and what the calibrated world prints instead.

Every exception names the printed cell (table part, unit, column), the printed text, what the
pipeline reproduces instead and the arithmetic that shows why nothing can print both. They come
from four places, all computed from the printed tables (nothing is copied here):

- the bulletin's own arithmetic (`zwfw_contract.audit`: a printed ratio its printed parts do not give);
- print order (`order_exceptions`): a table printed in an order CONTRACT §5's rules cannot give;
- items (`items.ITEM_EXCEPTIONS`) and events (`events.EVENT_EXCEPTIONS`): figures of several
  tables that no set of records satisfies at once, found when those modules plan their counts.

`NOTES` lists the quirks of CONTRACT §7 that the comparison normalises (they are not exceptions).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from importlib import resources
from pathlib import Path

from .fractions import printed_value
from .printed import unit_rows

ORDER = "print order"  # the `column` of a print-order exception


@dataclass(frozen=True)
class Excepted:
    table: str  # printed table part: t18, t15b, …
    unit: str  # printed unit name, 合计, or '' for a whole table (print order)
    column: str  # printed heading, or ORDER
    printed: str
    reproduced: str
    arithmetic: str

    def render(self) -> str:
        where = " ".join(x for x in (self.table, self.unit, self.column) if x)
        return f"{where}: printed {self.printed}, reproduced {self.reproduced} — {self.arithmetic}"


NOTES = (
    "表8 is dated 2020-12-28, the others 2020-12-25: the calibrated world has one snapshot, 2020-12-25.",
    "表7 and 表17 print some full values as 100% instead of 100.00%: compared as 100.00%.",
    "表10 prints -- and the others - for no denominator: both compared as -.",
    "表11 prints per-head figures without trailing zeros (0.78, 0.9): compared as numbers (0.780, 0.900).",
    "表14 numbers its last rows 39, 42, 40, 41, 43: the 序号 column is not compared; order is (see exceptions).",
    "表14/15 主动评价率 divides by completed cases (CONTRACT §7): the printed 郑州市 figures agree only so.",
    "表4 prints issuers not in 表1 (河南省侨办, 河南省粮食局, 河南省电影局, 河南省广播电视台): they are "
    "departments without items, so they are on table 4's roster only.",
)


# --- the bulletin's own arithmetic -----------------------------------------------------------


def _package_dir() -> Path:
    return Path(str(resources.files(__package__) / "bulletin_2020_12_25"))


def arithmetic_exceptions() -> list[Excepted]:
    """Printed ratios whose printed parts give another figure (`zwfw audit` on the printed tables)."""
    from zwfw_contract.audit import audit_dir

    findings, _, _ = audit_dir(_package_dir())
    return [
        Excepted(
            f.file.removesuffix(".csv"),
            f.unit,
            f.column,
            f.printed,
            f.expected,
            f"the printed parts give {f.arithmetic}; the parts are kept, so the ratio prints {f.expected}",
        )
        for f in findings
    ]


# --- print order -----------------------------------------------------------------------------

# stem → (sort column or None for reference order, descending, what the rule is called)
ORDER_RULES: dict[str, tuple[str | None, bool, str]] = {
    "t01": (None, False, "department order"),
    "t02": (None, False, "region code"),
    "t03": (None, False, "region code"),
    "t04": ("依类型完成率", False, "依类型完成率 ascending, ties by department order"),
    "t07": (None, False, "region code (CONTRACT §5: tables without an order rule print in region order)"),
    "t08a": ("接入统一受理事项总数", True, "接入统一受理事项总数 descending, ties by region code"),
    "t08b": ("接入统一受理事项总数", True, "接入统一受理事项总数 descending, ties by region code"),
    "t09": ("接入统一受理事项总数", True, "接入统一受理事项总数 descending, ties by region code"),
    "t10": (None, False, "department order"),
    "t11a": (None, False, "region code"),
    "t11b": (None, False, "region code"),
    "t12": (None, False, "department order of the owner, then the system's"),
    "t14": ("主动评价覆盖事项率", True, "主动评价覆盖事项率 descending (no rate last), ties by department order"),
    "t15a": ("主动评价覆盖事项率", True, "主动评价覆盖事项率 descending, ties by region code"),
    "t15b": ("主动评价覆盖事项率", True, "主动评价覆盖事项率 descending, ties by region code"),
    "t16": ("投诉按期办结率", True, "投诉按期办结率 descending (no rate last), ties by department order"),
    "t17a": ("投诉按期办结率", True, "投诉按期办结率 descending (no rate last), ties by region code"),
    "t17b": ("投诉按期办结率", True, "投诉按期办结率 descending (no rate last), ties by region code"),
    "t18": (None, False, "region code (CONTRACT §5: tables without an order rule print in region order)"),
}


def unit_name(row: dict[str, str]) -> str:
    return list(row.values())[1]


def _key(text: str) -> Fraction | None:
    t = text.strip()
    if t in ("-", "--", ""):
        return None
    return printed_value(t, "pct2") if t.endswith("%") else Fraction(t)


def rule_order(stem: str, rank: dict[str, int]) -> list[str]:
    """The units of a printed table in the order CONTRACT §5 gives them, from the printed values.

    `rank`: a unit's place in the reference data (department order / region code). Printed values
    that print alike are ties (the pipeline sorts by exact values; equal prints of the figures
    concerned here are equal fractions such as 1/1 or 1/2)."""
    rows = list(unit_rows(stem))
    column, desc, _ = ORDER_RULES[stem]

    def sort_key(r):
        if column is None:
            return (0, 0, rank[unit_name(r)])
        v = _key(r[column])
        if v is None:
            return (1, 0, rank[unit_name(r)])
        return (0, -v if desc else v, rank[unit_name(r)])

    return [unit_name(r) for r in sorted(rows, key=sort_key)]


def _printed_sort(stem: str) -> str:
    """How a printed table is sorted, if by one of its columns ('' if by none)."""
    rows = list(unit_rows(stem))
    for col in list(rows[0])[2:]:
        try:
            vals = [_key(r[col]) for r in rows]
        except ValueError:  # a text column
            continue
        if None in vals:
            continue
        if all(a >= b for a, b in zip(vals, vals[1:])):
            return f"the bulletin prints it by {col} descending"
        if all(a <= b for a, b in zip(vals, vals[1:])):
            return f"the bulletin prints it by {col} ascending"
    return "the bulletin sorts it otherwise"


def order_exceptions(rank: dict[str, int], labels: dict[str, str] | None = None) -> list[Excepted]:
    """Tables whose printed order is not the one CONTRACT §5 gives, with the first rows that differ."""
    labels = labels or {}

    def place(name: str) -> str:
        return labels.get(name, f"department {rank[name] + 1}")

    out = []
    for stem, (column, _, rule) in ORDER_RULES.items():
        printed = [unit_name(r) for r in unit_rows(stem)]
        if stem == "t12":  # one row per system: the owners' order
            printed = list(dict.fromkeys(printed))
        want = rule_order(stem, rank)
        if stem == "t12":
            want = list(dict.fromkeys(want))
        if printed == want:
            continue
        k = next(i for i, (a, b) in enumerate(zip(printed, want)) if a != b)
        rows = {unit_name(r): r for r in unit_rows(stem)}
        a, b = printed[k], want[k]
        if column is not None and _key(rows[a][column]) == _key(rows[b][column]):
            why = (
                f"row {k + 1}: {a} and {b} both print {rows[a][column]} (a tie), and the rule puts "
                f"{b} ({place(b)}) before {a} ({place(a)})"
            )
        elif column is not None:
            why = (
                f"row {k + 1}: {a} ({rows[a][column]}) is printed before {b} ({rows[b][column]}), "
                f"which the rule puts first"
            )
        else:
            why = (
                f"row {k + 1}: {a} ({place(a)}) is printed where the rule puts {b} ({place(b)}); {_printed_sort(stem)}"
            )
        out.append(
            Excepted(
                stem, "", ORDER, " > ".join(printed), " > ".join(want), f"CONTRACT §5 orders {stem} by {rule}; {why}"
            )
        )
    return out


def reference_labels(roster) -> dict[str, str]:
    """'region 410100' for every region name (departments are labelled by their place)."""
    return {
        n: f"region {c}"
        for c, n in zip(
            roster.regions.column("region_code").to_pylist(), roster.regions.column("region_name").to_pylist()
        )
    }


def reference_rank(roster) -> dict[str, int]:
    """Place in the reference data of every printed unit name: departments, then regions."""
    rank = {d.dept_name: i for i, d in enumerate(roster.province_depts)}
    codes = sorted(roster.regions.column("region_code").to_pylist())
    names = dict(
        zip(roster.regions.column("region_code").to_pylist(), roster.regions.column("region_name").to_pylist())
    )
    rank |= {names[c]: i for i, c in enumerate(codes)}
    return rank


# --- everything --------------------------------------------------------------------------------


def all_exceptions(roster=None, items=None, scale: float | None = None) -> list[Excepted]:
    """Every known exception. With the roster, print order; with items (and a scale), the
    exceptions the items/events planners record (they are filled when those modules plan)."""
    out = arithmetic_exceptions()
    if roster is not None:
        out += order_exceptions(reference_rank(roster), reference_labels(roster))
        from . import items as items_mod

        if items is None:
            items = items_mod.build_items(roster)
        out += [Excepted(**e) for e in items_mod.ITEM_EXCEPTIONS]
        if scale is not None:
            from . import events as events_mod

            events_mod.unit_counts(roster, items, scale)
            out += [Excepted(**e) for e in events_mod.EVENT_EXCEPTIONS]
    seen, unique = set(), []
    for e in out:
        k = (e.table, e.unit, e.column)
        if k not in seen:
            seen.add(k)
            unique.append(e)
    return unique


def as_markdown(excepted: list[Excepted]) -> str:
    """The list as docs/CALIBRATION.md prints it."""
    lines = ["| table | unit | column | printed | reproduced | why |", "|---|---|---|---|---|---|"]
    for e in excepted:
        cells = [e.table, e.unit or "—", e.column, e.printed, e.reproduced, e.arithmetic]
        lines.append("| " + " | ".join(c.replace("|", "/") for c in cells) + " |")
    return "\n".join(lines)


__all__ = [
    "Excepted",
    "NOTES",
    "ORDER",
    "all_exceptions",
    "arithmetic_exceptions",
    "as_markdown",
    "order_exceptions",
    "reference_labels",
    "reference_rank",
    "rule_order",
]

"""The bulletin as data: every table's rows and cells, as printed, with change and targets.

Both renderers (HTML, XLSX) read this and nothing else, so the page and the workbook cannot
disagree. Printed text comes from the marts' `*_text` columns; a cell's number is that printed
text read back as a number (what a spreadsheet shows equals what the bulletin prints); the
unrounded value feeds charts and the change against the previous snapshot.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from dagster_project.report.layout import (
    APPENDIX_TABLES,
    COUNT,
    PER_HEAD,
    PERCENT,
    PERCENT_FLOOR,
    RATIO_KINDS,
    TABLES,
    TEXT,
    TRENDS,
    Column,
    Part,
    TableSpec,
    Target,
)
from dagster_project.report.marts import MartData, Row

NO_FIGURE = ("-", "--", "")


@dataclass
class Cell:
    column: Column
    text: str  # exactly as the bulletin prints it
    number: int | float | None  # the printed figure as a number; None for text and "-"
    value: float | None = None  # unrounded (ratios: the fraction, 0.9212 not 92.12)
    change: float | None = None  # value minus the previous snapshot's value, in the value's units
    missed: Target | None = None  # the bulletin's target this unit is below
    trend: list[float | None] | None = None  # the last snapshots' values, oldest first (named ratios)


@dataclass
class Line:
    order: int  # 序号 as printed (合计 last)
    unit_code: str
    unit_name: str
    is_total: bool
    cells: list[Cell]

    def cell(self, field_name: str) -> Cell:
        return next(c for c in self.cells if c.column.field == field_name)


@dataclass
class Block:
    part: Part
    lines: list[Line]

    @property
    def units(self) -> list[Line]:
        return [line for line in self.lines if not line.is_total]

    @property
    def total(self) -> Line | None:
        return next((line for line in self.lines if line.is_total), None)


@dataclass
class Table:
    spec: TableSpec
    blocks: list[Block]
    notes: list[str]

    @property
    def title(self) -> str:
        return self.spec.caption or f"表{self.spec.no}.{self.spec.title}"

    def block(self, scope: str) -> Block:
        return next(b for b in self.blocks if b.part.scope == scope)


@dataclass
class Bulletin:
    snapshot: dt.date
    previous: dt.date | None
    issued: dt.date
    tables: list[Table]
    trend_snapshots: list[dt.date] = field(default_factory=list)  # the sparklines' snapshots, oldest first
    work_points: list[str] = field(default_factory=list)
    appendix: list[Table] = field(default_factory=list)  # after the 18 tables (data quality)

    def table(self, no: int) -> Table:
        return next(t for t in self.tables if t.spec.no == no)


def printed_number(text: str, kind: str) -> int | float | None:
    """'92.13%' -> 0.9213, '255%' -> 2.55, '3.071' -> 3.071, '2747' -> 2747, '-' -> None."""
    text = (text or "").strip()
    if text in NO_FIGURE or kind == TEXT:
        return None
    try:
        if kind in (PERCENT, PERCENT_FLOOR):
            return float(Decimal(text.rstrip("%")) / 100) if text.endswith("%") else None
        if kind == PER_HEAD:
            return float(Decimal(text))
        if kind == COUNT:
            return int(Decimal(text))
    except InvalidOperation:
        return None
    return None


def _number(value: object) -> float | None:
    if value is None:
        return None
    value = float(value)  # type: ignore[arg-type]
    return None if math.isnan(value) else value


def _missed(column: Column, row: Row) -> Target | None:
    """Exact comparison on numerator/denominator, so 1999/10000 is below 20% even if printed 19.99%."""
    target = column.target
    if target is None or row.get("is_total"):
        return None
    if column.kind in RATIO_KINDS:
        num, den = row.get(f"{column.field}_numerator"), row.get(f"{column.field}_denominator")
        if num is None or den is None or _number(den) in (None, 0.0):
            return None
        below = Fraction(num) < target.at_least * Fraction(den)  # type: ignore[arg-type]
    else:
        value = _number(row.get(column.field))
        if value is None:
            return None
        below = Fraction(value) < target.at_least
    return target if below else None


def _cell(column: Column, row: Row, before: Row | None) -> Cell:
    raw = row.get(column.field)
    if column.kind == TEXT:
        return Cell(column, "" if raw is None else str(raw), None)
    if column.kind == COUNT:
        text = "-" if raw is None else str(int(raw))  # type: ignore[call-overload]
        return Cell(column, text, printed_number(text, COUNT), _number(raw), missed=_missed(column, row))
    text = str(row.get(f"{column.field}_text") or "-")
    value = _number(raw)
    old = _number(before.get(column.field)) if before else None
    change = value - old if value is not None and old is not None else None
    return Cell(column, text, printed_number(text, column.kind), value, change, _missed(column, row))


def _note_fields(spec: TableSpec, rows: list[Row], snapshot: dt.date) -> dict[str, str]:
    targets = {r.get("target_items") for r in rows if not r.get("is_total")}
    each = f"（每市{int(next(iter(targets)))}项）" if len(targets) == 1 and None not in targets else ""
    return {"year": str(snapshot.year), "target_each": each}


def _with_trend(cell: Cell, spec: TableSpec, row: Row, data: MartData) -> Cell:
    named = TRENDS.get((spec.no, cell.column.field))
    if named is not None:
        metric, scope = named
        cell.trend = data.trend(metric, scope or str(row["scope"]), str(row["unit_code"]))
    return cell


def build_table(spec: TableSpec, data: MartData) -> Table:
    rows, before = data.current(spec.mart), data.before(spec.mart)
    previous = {(r["scope"], r["unit_code"]): r for r in before}
    blocks = []
    for part in spec.parts:
        mine = sorted((r for r in rows if r["scope"] == part.scope), key=lambda r: r["print_order"])
        lines = [
            Line(
                order=int(r["print_order"]),  # type: ignore[call-overload]
                unit_code=str(r["unit_code"]),
                unit_name=str(r[spec.unit_column] or ""),
                is_total=bool(r.get("is_total")),
                cells=[
                    _with_trend(_cell(c, r, previous.get((r["scope"], r["unit_code"]))), spec, r, data)
                    for c in spec.columns
                ],
            )
            for r in mine
        ]
        blocks.append(Block(part, lines))
    fields = _note_fields(spec, rows, data.snapshot)
    return Table(spec, blocks, [n.format(**fields) for n in spec.notes])


def build_tables(data: MartData) -> list[Table]:
    """Every table of the bulletin, in print order."""
    return [build_table(spec, data) for spec in TABLES]


def build_appendix(data: MartData) -> list[Table]:
    """The appendix tables whose mart the warehouse holds (a warehouse built before one existed has none)."""
    return [build_table(spec, data) for spec in APPENDIX_TABLES if spec.mart in data.rows]

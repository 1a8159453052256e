"""`zwfw audit`: the bulletin's own arithmetic, checked on its printed tables.

Where a printed table shows both parts of a ratio, the printed percentage must be what the
parts give at the printed precision (half-up to 2 decimals, or truncated whole percent in
table 18), and every 合计 count must be the sum of its units. Only tables that print their
numerators and denominators can be audited; the others are listed as not auditable.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from pathlib import Path

TOTAL_NAMES = {"合计", "总计"}


@dataclass(frozen=True)
class RatioSpec:
    numerator: int  # column index
    denominator: int | None  # column index, or None for a per-unit constant target
    printed: int
    truncate: bool = False
    target: int | None = None  # per-unit denominator when `denominator` is None


@dataclass(frozen=True)
class TableSpec:
    ratios: tuple[RatioSpec, ...]
    summed: tuple[int, ...]  # count columns whose 合计 is the sum of the units


# tNN.csv files whose numerators and denominators are printed
SPECS: dict[str, TableSpec] = {
    "t04": TableSpec((RatioSpec(3, 2, 4),), (2, 3, 5)),
    "t07": TableSpec((RatioSpec(3, 2, 4),), (2, 3)),
    "t08a": TableSpec((RatioSpec(3, 2, 4),), (2, 3)),
    "t08b": TableSpec((RatioSpec(3, 2, 4),), (2, 3)),
    "t09": TableSpec((RatioSpec(3, 2, 4),), (2, 3)),
    "t18": TableSpec((RatioSpec(2, None, 3, truncate=True, target=60), RatioSpec(4, 2, 5, truncate=True)), (2, 4)),
}


@dataclass(frozen=True)
class Finding:
    file: str
    line: int
    unit: str
    column: str
    printed: str
    expected: str
    arithmetic: str

    def render(self) -> str:
        return (
            f"{self.file} line {self.line} {self.unit} {self.column}: printed {self.printed}, "
            f"expected {self.expected} ({self.arithmetic})"
        )


def percent_text(num: int, den: int, truncate: bool) -> str:
    if den == 0:
        return "-"
    pct = Decimal(num) * 100 / Decimal(den)
    if truncate:
        return f"{pct.to_integral_value(rounding=ROUND_FLOOR)}%"
    return f"{pct.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)}%"


def _same(printed: str, expected: str) -> bool:
    # tables 7 and 17 print some full values as 100% instead of 100.00% (CONTRACT §7)
    return printed == expected or (printed == "100%" and expected == "100.00%")


def audit_table(path: Path, spec: TableSpec) -> list[Finding]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    header, body = rows[0], rows[1:]
    findings: list[Finding] = []
    units = [(i + 2, r) for i, r in enumerate(body) if r[1].strip() not in TOTAL_NAMES]
    totals = [(i + 2, r) for i, r in enumerate(body) if r[1].strip() in TOTAL_NAMES]
    for line, row in units + totals:
        is_total = row[1].strip() in TOTAL_NAMES
        for ratio in spec.ratios:
            num = int(row[ratio.numerator])
            if ratio.denominator is None:
                den = ratio.target * (len(units) if is_total else 1)
                den_text = f"{len(units)}×{ratio.target}" if is_total else str(ratio.target)
            else:
                den = int(row[ratio.denominator])
                den_text = str(den)
            expected = percent_text(num, den, ratio.truncate)
            if not _same(row[ratio.printed].strip(), expected):
                findings.append(
                    Finding(
                        path.name,
                        line,
                        row[1],
                        header[ratio.printed],
                        row[ratio.printed],
                        expected,
                        f"{num}/{den_text} = {Decimal(num) * 100 / Decimal(den):.4f}%",
                    )
                )
    for line, row in totals:
        for col in spec.summed:
            total = sum(int(r[col]) for _, r in units)
            if int(row[col]) != total:
                findings.append(
                    Finding(path.name, line, row[1], header[col], row[col], str(total), f"sum over {len(units)} units")
                )
    return findings


def audit_dir(directory: Path) -> tuple[list[Finding], list[str], list[str]]:
    """Findings, the files audited, and the files that print no parts to audit."""
    findings: list[Finding] = []
    audited, skipped = [], []
    for path in sorted(directory.glob("t*.csv")):
        spec = SPECS.get(path.stem)
        if spec is None:
            skipped.append(path.name)
            continue
        audited.append(path.name)
        findings += audit_table(path, spec)
    return findings, audited, skipped

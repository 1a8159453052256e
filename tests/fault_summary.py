"""The fault suite's record (tests/faults): what each fault expected and observed, and the one
table pytest prints at the end, whether the suite ran in one process or in pytest-xdist workers
(which hand their records to the controller: tests/conftest.py)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Fault:
    name: str = ""
    expected: str = ""
    observed: str = "(not reached)"
    lost_rows: int = 0
    leaks: int = 0
    passed: bool = False

    def tried(self, name: str, expected: str) -> Fault:
        self.name, self.expected = name, expected
        return self

    @property
    def survived(self) -> bool:
        return self.passed and self.lost_rows == 0 and self.leaks == 0


def _cut(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def print_faults(w, tried: list[Fault]) -> None:
    if not tried:
        return
    w.section("faults tried")
    w.write_line(f"{'fault or input':<44} {'expected':<44} {'observed':<70} survived")
    for f in tried:
        w.write_line(
            f"{_cut(f.name, 44):<44} {_cut(f.expected, 44):<44} {_cut(f.observed, 70):<70} "
            f"{'yes' if f.survived else 'NO'}"
        )
    survived = sum(f.survived for f in tried)
    w.write_line(
        f"faults: {len(tried)} tried, {survived} survived, {sum(f.lost_rows for f in tried)} lost rows, "
        f"{sum(f.leaks for f in tried)} leaks"
    )

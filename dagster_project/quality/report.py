"""Run the suites and render a verdict per table (`zwfw check`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from dagster_project.quality.checks import ERROR, collect
from dagster_project.quality.gx_suites import Outcome, run_suites


def check_warehouse(
    warehouse: Path,
    snapshot: dt.date | None = None,
    docs: Path | None = None,
    max_lines: int = 5,
    volume_drop: float = 0.5,
) -> tuple[bool, str, list[Outcome]]:
    snap, checks = collect(warehouse, snapshot, volume_drop=volume_drop)
    outcomes = run_suites(checks, docs)
    lines = [f"checks of {warehouse} snapshot {snap}"]
    groups: dict[str, list[Outcome]] = {}
    for o in outcomes:
        c = o.check
        label = f"table {c.table_no:02d}" if c.group == "metrics" else c.group
        groups.setdefault(label, []).append(o)
    for label, os_ in groups.items():
        failed = [o for o in os_ if not o.success]
        skipped = [o for o in os_ if o.success and o.check.skipped]
        lines.append(
            f"{label:<14} passed {len(os_) - len(failed) - len(skipped)}/{len(os_)}"
            + (f", skipped {len(skipped)}" if skipped else "")
            + ("" if not failed else f", FAILED {len(failed)}")
        )
        for o in os_:
            if o.check.skipped or (o.check.note and o.success):
                lines.append(f"    note {o.check.name}: {o.check.note}")
        for o in failed:
            n = len(o.check.violations)
            lines.append(
                f"    {o.check.severity} {o.check.name} ({n} violation{'s' if n != 1 else ''}): {o.check.description}"
            )
            for m in o.messages[:max_lines]:
                lines.append(f"      - {m}")
            if len(o.messages) > max_lines:
                lines.append(f"      … and {len(o.messages) - max_lines} more")
    blocking = [o for o in outcomes if not o.success and o.check.severity == ERROR]
    lines.append(
        f"verdict: {'FAIL' if blocking else 'PASS'} ({len(blocking)} error-severity check(s) failed, "
        f"{sum(1 for o in outcomes if not o.success) - len(blocking)} warning(s))"
    )
    if docs is not None:
        lines.append(f"data docs: {docs}/index.html")
    return not blocking, "\n".join(lines), outcomes

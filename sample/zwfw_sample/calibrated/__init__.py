"""The calibrated world: records that rebuild the printed 2020-12-25 bulletin at any scale.

    generate_calibrated(out_dir, date(2020, 12, 25))              # the default sample
    generate_calibrated(out_dir, date(2020, 12, 25), scale=1.0)   # full size, streamed to disk

Reference data come from `roster`, `items` and `peripheral`, events from `events` and
`peripheral.build_tickets`; the delivery is written by the same writer as the random sample
world (`generate.write_delivery`), so formats and deliberately bad rows are the same. How each
printed figure is reached, and where the bulletin contradicts itself: docs/CALIBRATION.md.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

DEFAULT_SCALE = 0.003  # the smallest volume the printed item coverages allow (docs/CALIBRATION.md)
DEFAULT_SEED = 20201225
CALIBRATED_SNAPSHOT = dt.date(2020, 12, 25)

__all__ = ["CALIBRATED_SNAPSHOT", "DEFAULT_SCALE", "DEFAULT_SEED", "generate_calibrated"]


def generate_calibrated(
    out_dir: Path,
    snapshot: dt.date,
    scale: float = DEFAULT_SCALE,
    seed: int = DEFAULT_SEED,
    delta_days: int | None = None,
    on_file=None,
):
    """Write the delivery of `snapshot` (a backfill, or the last `delta_days` days of events)."""
    from zwfw_sample import delivery_window, write_delivery

    from .events import build_population, iter_events
    from .items import build_items
    from .peripheral import build_peripheral, build_tickets
    from .roster import build_roster

    if not 0 < scale <= 1:
        raise ValueError(f"scale must be in (0, 1], got {scale}")
    start, end = delivery_window(snapshot, delta_days)
    roster = build_roster()
    items = build_items(roster)
    ref = {
        "regions": roster.regions,
        "departments": roster.departments,
        "population": build_population(roster, scale, items),
        "service_items": items.service_items,
        "item_steps": items.item_steps,
        **build_peripheral(roster, snapshot, items.service_items),
    }
    county = next(d for d in roster.depts if d.level == "county" and not d.is_tax)
    return write_delivery(
        Path(out_dir),
        snapshot,
        delta_days,
        seed,
        ref,
        iter_events(roster, items, scale, start, end, seed),
        build_tickets(roster, start, end, seed),
        county_dept_id=county.dept_id,
        county_uscc=county.uscc,
        county_region=county.region_code,
        on_file=on_file,
    )

"""An analyst's process for the concurrency test: python reader_loop.py PUBLISHED STOP OUT.

Until STOP exists, opens PUBLISHED read-only, reads the snapshot set of several marts and raw
tables in one connection, and closes it. Writes to OUT (JSON) the queries made, the errors and
every time the sets disagreed (a mix of two publications).
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import duckdb

TABLES = (
    "marts.fct_metrics",
    "marts.fct_t08_unified_acceptance",
    "marts.fct_worklist",
    "raw.load_files",
    "raw.cases",
    "raw.rejects",
)


def main() -> None:
    published, stop, out = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    # Lowest priority: the readers take what the builds leave of the two cores (a build waits on
    # dbt or on the disk much of the time), rather than slowing every build by half, and they
    # still read throughout each publication.
    os.nice(19)
    queries, errors, mixes, seen = 0, [], [], set()
    while not stop.exists():
        try:
            con = duckdb.connect(published, read_only=True)
            try:
                sets = {
                    t: tuple(
                        d
                        for (d,) in con.execute(
                            f"select distinct snapshot_date::varchar from {t} order by 1"
                        ).fetchall()
                    )
                    for t in TABLES
                }
            finally:
                con.close()
        except Exception as exc:  # recorded, not raised: the test reports every one
            errors.append(f"{type(exc).__name__}: {exc}")
            continue
        queries += 1
        time.sleep(0.02)  # an analyst's pace, not a spin: the builds share the two cores
        published_set = sets["marts.fct_metrics"]
        seen.add(published_set)
        # A mix: a table showing a snapshot the marts do not, or two marts of different publications.
        outside = any(not set(s) <= set(published_set) for s in sets.values())
        if outside or sets["marts.fct_t08_unified_acceptance"] != published_set:
            mixes.append(sets)
    out.write_text(
        json.dumps(
            {
                "queries": queries,
                "errors": errors[:20],
                "n_errors": len(errors),
                "mixes": mixes[:5],
                "n_mixes": len(mixes),
                "seen": sorted(seen),
            }
        )
    )


if __name__ == "__main__":
    main()

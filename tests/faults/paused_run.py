"""`zwfw` with a pause at one stage, for the kill tests: python paused_run.py STAGE MARKER ARGS...

At STAGE the run touches MARKER and sleeps, so that the test can SIGKILL it exactly there.
Stages: `dbt` (no pause), `ingest` (the cases partition half written: its rows and rejects,
not yet its load counts), `checks` (the GX reconciliation running), `export` (8 of the week's
marts written to the lake, the others not yet), `publish` (`<file>.next` assembled, not yet
renamed). Mid-dbt needs no pause: the test watches the scratch database grow.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

EXPORTED_BEFORE_THE_PAUSE = 8  # as in the report that found the leak (#30): 8 of 26 marts


def _pause_then(real, marker: Path, when=lambda *a, **k: True, after: bool = False):
    def paused(*args, **kwargs):
        if when(*args, **kwargs) and not after:
            marker.touch()
            time.sleep(3600)
        result = real(*args, **kwargs)
        if after:
            marker.touch()
            time.sleep(3600)
        return result

    return paused


def main() -> None:
    stage, marker, args = sys.argv[1], Path(sys.argv[2]), sys.argv[3:]
    if stage == "ingest":
        from dagster_project.ingest import load

        # the last file of the cases partition about to be written: its rows and rejects are there
        load._copy = _pause_then(
            load._copy,
            marker,
            when=lambda con, select, path: (
                Path(path).name == "load_files.parquet" and Path(path).parent.parent.name == "cases"
            ),
        )
    elif stage == "checks":
        from dagster_project.quality import checks

        checks.collect = _pause_then(checks.collect, marker)
    elif stage == "export":
        from dagster_project import lake

        real, written = lake.write_partition, []

        def pausing(final, write):
            if Path(final).parent.parent.name == lake.MARTS:  # <lake>/marts/<model>/snapshot_date=D
                if len(written) == EXPORTED_BEFORE_THE_PAUSE:
                    marker.touch()
                    time.sleep(3600)
                written.append(final)
            return real(final, write)

        lake.write_partition = pausing
    elif stage == "publish":
        from dagster_project import publish

        publish.assemble = _pause_then(publish.assemble, marker, after=True)
    elif stage != "dbt":  # mid-dbt: no pause, the test watches the scratch database grow
        sys.exit(f"unknown stage {stage}")
    from dagster_project.cli import main as zwfw

    sys.argv = ["zwfw", *args]
    sys.exit(zwfw())


if __name__ == "__main__":
    main()

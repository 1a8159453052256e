"""What a delivery must look like before a run starts: checked in milliseconds, said in one line each.

A run that would fail on a missing folder or reference file should not first start Dagster,
copy the warehouse and ingest twelve sources. Each problem names the absolute path and what was
expected there; the CLI prints them and exits 2.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from dagster_project.ingest.errors import IngestError
from dagster_project.ingest.files import FORMATS, discover
from zwfw_contract.sources import SOURCES


def delivery_problems(raw_dir: Path, snapshot: dt.date) -> list[str]:
    """Empty when `raw_dir/<snapshot>/` exists and holds every reference source exactly once."""
    raw_dir = Path(raw_dir).absolute()
    if not raw_dir.exists():
        return [f"{raw_dir}: no such folder (expected the landing zone, holding one folder per snapshot)"]
    if not raw_dir.is_dir():
        return [f"{raw_dir}: not a folder (expected the landing zone, holding one folder per snapshot)"]
    day = raw_dir / snapshot.isoformat()
    if not day.is_dir():
        have = sorted(p.name for p in raw_dir.iterdir() if p.is_dir())[-3:]
        seen = f"; it holds {', '.join(have)}" if have else "; it holds no snapshot folder"
        return [f"{day}: no such folder (expected snapshot {snapshot.isoformat()}'s delivery{seen})"]
    if not any(day.iterdir()):
        return [
            f"{day}: the snapshot folder is empty (expected one file or folder per source, "
            f"e.g. regions.csv; see CONTRACT §2)"
        ]
    problems = []
    formats = "|".join(sorted(FORMATS))
    for source in SOURCES:
        try:
            found = discover(source, raw_dir, snapshot)
        except IngestError as exc:
            problems.append(f"{day / source.name}: {exc.args[0].split(': ', 1)[-1]}")
            continue
        if found is None and source.kind == "reference":
            problems.append(
                f"{day / source.name}.({formats}): missing (reference source {source.name} is "
                f"delivered every snapshot, as one file or a folder {source.name}/ of files)"
            )
    return problems

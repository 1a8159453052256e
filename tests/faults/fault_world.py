"""The small sample world the fault suite's whole-build tests share, and how they start a run."""

from __future__ import annotations

import sys
from pathlib import Path

BIN = Path(sys.executable).parent
SNAPSHOTS = ("2020-12-04", "2020-12-11", "2020-12-18", "2020-12-25")  # a backfill, then weekly deltas


def zwfw_run(published: Path, raw: Path, snapshot: str, prefix: list[str] | None = None) -> list[str]:
    """The command of a `zwfw run` (or of `prefix`, a wrapper taking the same arguments)."""
    return [*(prefix or [str(BIN / "zwfw")]), "run", "--raw-dir", str(raw), "--snapshot", snapshot,
            "--warehouse", str(published)]

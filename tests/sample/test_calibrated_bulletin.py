"""The calibrated sample, run through the pipeline, prints the real 2020-12-25 bulletin.

`zwfw generate` (the calibrated world, default scale) then `zwfw run`, as a user runs them; then
every printed figure of `tests/fixtures/bulletin-2020-12-25/tNN.csv` is compared with the
warehouse (`calibrated/compare.py`). Fails on any difference not on the exception list
(`calibrated/exceptions.py`), listing them all.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from zwfw_sample.calibrated import compare as C
from zwfw_sample.calibrated.printed import STEMS

pytestmark = pytest.mark.e2e

ZWFW = str(Path(sys.executable).with_name("zwfw"))
PRINTED = Path(__file__).parents[1] / "fixtures" / "bulletin-2020-12-25"
SNAPSHOT = "2020-12-25"


def zwfw(*args: str) -> subprocess.CompletedProcess:
    proc = subprocess.run([ZWFW, *args], capture_output=True, text=True)
    if proc.returncode != 0:
        raise AssertionError(f"zwfw {' '.join(args)} exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    return proc


def printed_tables() -> dict[str, list[dict[str, str]]]:
    """The printed tables as the test fixture has them (not the package copy)."""
    out = {}
    for stem in STEMS:
        with (PRINTED / f"{stem}.csv").open(encoding="utf-8", newline="") as f:
            out[stem] = list(csv.DictReader(f))
    return out


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory, dbt_manifest):
    root = tmp_path_factory.mktemp("calibrated")
    raw, wh = root / "raw", root / "wh" / "zwfw.duckdb"
    zwfw("generate", "--out", str(raw), "--snapshot", SNAPSHOT)
    zwfw("run", "--raw-dir", str(raw), "--snapshot", SNAPSHOT, "--warehouse", str(wh))
    return wh


def test_the_warehouse_prints_the_bulletin(warehouse, capsys):
    from zwfw_sample.calibrated import DEFAULT_SCALE
    from zwfw_sample.calibrated.exceptions import all_exceptions
    from zwfw_sample.calibrated.roster import build_roster

    scale = float(DEFAULT_SCALE)
    metrics, orders, systems, issuers = C.load_warehouse(warehouse, SNAPSHOT)
    excepted = all_exceptions(build_roster(), scale=scale)
    cells = C.compare_all(metrics, orders, systems, issuers, excepted, scale, printed=printed_tables())
    with capsys.disabled():  # shown in every run, not only on failure
        print(f"\n[calibrated bulletin, scale {scale:g}] {C.summary(cells)}")
    assert cells, "nothing compared"
    mismatches = C.render_mismatches(cells)
    assert not mismatches, f"{C.summary(cells)}\nnot on the exception list:\n{mismatches}"

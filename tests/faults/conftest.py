"""The fault suite: every test here tries one fault or hostile input and records, through the
`fault` fixture, what was expected and what was observed. At the end of the session pytest prints
one table of them, whose last line is `faults: N tried, N survived, 0 lost rows, 0 leaks`.

A fault survived when its test passed, no row was lost (rows read = loaded + rejected, or the run
failed and changed nothing) and no personal value was found where it must not be.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "ingest"))  # ingest_helpers: deliveries in tmp dirs

from fault_world import BIN, SNAPSHOTS, zwfw_run  # noqa: E402
from ingest_helpers import Delivery  # noqa: E402

_TRIED: list[Fault] = []


@pytest.fixture(scope="session")
def small_world(tmp_path_factory):
    """The small sample world (scale 0.05): four weekly deliveries, the first published."""
    from warehouse_helpers import run_env

    root = tmp_path_factory.mktemp("faults-world")
    raw = root / "raw"
    for i, snapshot in enumerate(SNAPSHOTS):
        subprocess.run(
            [
                str(BIN / "zwfw"),
                "generate",
                "--world",
                "sample",
                "--out",
                str(raw),
                "--scale",
                "0.05",
                "--snapshot",
                snapshot,
                *(["--delta-days", "7"] if i else []),
            ],
            check=True,
            capture_output=True,
        )
    base = root / "base" / "zwfw.duckdb"
    subprocess.run(zwfw_run(base, raw, SNAPSHOTS[0]), env=run_env(base, raw), check=True, capture_output=True)
    return {"raw": raw, "base": base, "snapshots": SNAPSHOTS}


@pytest.fixture
def delivery(tmp_path: Path) -> Delivery:
    return Delivery(tmp_path / "zone")


@pytest.fixture
def with_departments(delivery: Delivery) -> Delivery:
    delivery.departments()
    return delivery


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


@pytest.fixture
def fault(request) -> Fault:
    f = Fault(name=request.node.name)
    request.node._zwfw_fault = f
    _TRIED.append(f)
    return f


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    f = getattr(item, "_zwfw_fault", None)
    if f is not None and report.when == "call":
        f.passed = report.passed
    elif f is not None and report.failed:  # setup or teardown failed
        f.passed = False
    return report


def _cut(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def pytest_terminal_summary(terminalreporter):
    if not _TRIED:
        return
    w = terminalreporter
    w.section("faults tried")
    w.write_line(f"{'fault or input':<44} {'expected':<44} {'observed':<70} survived")
    for f in _TRIED:
        w.write_line(
            f"{_cut(f.name, 44):<44} {_cut(f.expected, 44):<44} {_cut(f.observed, 70):<70} "
            f"{'yes' if f.survived else 'NO'}"
        )
    survived = sum(f.survived for f in _TRIED)
    w.write_line(
        f"faults: {len(_TRIED)} tried, {survived} survived, {sum(f.lost_rows for f in _TRIED)} lost rows, "
        f"{sum(f.leaks for f in _TRIED)} leaks"
    )

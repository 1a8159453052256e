"""The fault suite: every test here tries one fault or hostile input and records, through the
`fault` fixture, what was expected and what was observed. At the end of the session pytest prints
one table of them, whose last line is `faults: N tried, N survived, 0 lost rows, 0 leaks`.

A fault survived when its test passed, no row was lost (rows read = loaded + rejected, or the run
failed and changed nothing) and no personal value was found where it must not be.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "ingest"))  # ingest_helpers: deliveries in tmp dirs

from fault_summary import Fault, print_faults  # noqa: E402
from fault_world import BIN, SNAPSHOTS, zwfw_run  # noqa: E402
from ingest_helpers import Delivery  # noqa: E402

_TRIED: list[Fault] = []


def _small_world(root: Path) -> dict:
    from warehouse_helpers import run_env

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


@pytest.fixture(scope="session")
def small_world(tmp_path_factory):
    """The small sample world (scale 0.05): four weekly deliveries, the first published. Built
    once per session, whatever the number of test processes; the tests copy what they change."""
    from warehouse_helpers import built_once

    return built_once(tmp_path_factory, "faults-world", _small_world)


@pytest.fixture
def delivery(tmp_path: Path) -> Delivery:
    return Delivery(tmp_path / "zone")


@pytest.fixture
def with_departments(delivery: Delivery) -> Delivery:
    delivery.departments()
    return delivery


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


def pytest_sessionfinish(session):
    """A pytest-xdist worker hands its faults to the controller, which prints the one table."""
    if hasattr(session.config, "workeroutput"):
        session.config.workeroutput["zwfw_faults"] = json.dumps([asdict(f) for f in _TRIED])


def pytest_terminal_summary(terminalreporter):
    print_faults(terminalreporter, _TRIED)

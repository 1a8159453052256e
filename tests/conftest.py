"""Shared fixtures: a quiet, telemetry-free environment and a prepared dbt manifest."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "1")
# The tests load generated sample data only: they pseudonymise with the published development key,
# which `zwfw run` refuses unless told so explicitly (config.pii_key).
os.environ["ZWFW_DEVELOPMENT_KEY"] = "1"
os.environ.pop("ZWFW_PII_KEY", None)
# Tests pass their settings explicitly: a developer's (or a leaked) ZWFW_LAKE, ZWFW_DBT_TARGET,
# ZWFW_SPARK_* or ZWFW_INGEST_* must not send a test's run elsewhere, nor change how it runs.
for _name in [k for k in os.environ if (k.startswith("ZWFW_") and k != "ZWFW_DEVELOPMENT_KEY") or k == "SPARK_REMOTE"]:
    os.environ.pop(_name, None)
# The test runs record into a Dagster instance of their own, never the developer's .dagster_home.
import atexit  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402

# In memory where the machine has a tmpfs: every run stores ~700 events, each its own SQLite
# transaction, and on this disk each costs ~10 ms more than in memory. Only the tests' record.
_SHM = Path("/dev/shm")
_DAGSTER_HOME = Path(
    tempfile.mkdtemp(prefix="zwfw-test-dagster-home-", dir=_SHM if _SHM.is_dir() and os.access(_SHM, os.W_OK) else None)
)
atexit.register(shutil.rmtree, _DAGSTER_HOME, ignore_errors=True)  # one per session, not one left per session
from dagster_project.instance import write_settings  # noqa: E402

write_settings(_DAGSTER_HOME)  # what `zwfw setup` writes for a developer's instance
os.environ["DAGSTER_HOME"] = str(_DAGSTER_HOME)


@pytest.fixture(scope="session")
def dbt_manifest():
    """dagster-dbt reads the manifest at import time of the definitions."""
    from dagster_project.manifest import ensure_manifest

    return ensure_manifest()


def _zwfw(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return _checked([str(Path(sys.executable).with_name("zwfw")), *args], env)


def _checked(command: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in (env or os.environ).items() if k != "ZWFW_REPORT_DIR"}  # reports beside the warehouse
    proc = subprocess.run(command, capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        raise AssertionError(f"{' '.join(command)} exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    return proc


def _weekly_world(root: Path) -> dict:
    from warehouse_helpers import zwfw_run

    raw, warehouse = root / "raw", root / "wh" / "zwfw.duckdb"
    home = Path(os.environ["DAGSTER_HOME"])
    if os.environ.get("PYTEST_XDIST_WORKER"):  # the other workers read its runs: an instance in the shared folder
        home = root / "dagster"
        write_settings(home)
    env = {**os.environ, "DAGSTER_HOME": str(home)}
    _zwfw("generate", "--world", "sample", "--out", str(raw), "--snapshot", "2020-12-18", "--scale", "0.2")
    _zwfw(
        "generate",
        "--world",
        "sample",
        "--out",
        str(raw),
        "--snapshot",
        "2020-12-25",
        "--scale",
        "0.2",
        "--delta-days",
        "7",
    )
    first = _checked(zwfw_run(warehouse, raw, "2020-12-18"), env)
    second = _checked(zwfw_run(warehouse, raw, "2020-12-25"), env)
    return {"raw": raw, "warehouse": warehouse, "first": first, "second": second, "dagster_home": home}


@pytest.fixture(scope="session")
def weekly_warehouse(tmp_path_factory, dbt_manifest):
    """Two consecutive weekly snapshots into one warehouse, as a user runs them: a backfill
    (2020-12-18), then a 7-day delta (2020-12-25). Built once per session, whatever the number of
    test processes (each `zwfw run` takes most of a minute on two cores), for the end-to-end and
    the report tests, which only read it. Its runs are in the Dagster instance `dagster_home`."""
    from warehouse_helpers import built_once

    return built_once(tmp_path_factory, "e2e", _weekly_world)


# pytest-xdist: each worker runs its share of the fault suite and hands its records over when it
# stops (tests/faults/conftest.py); the controller prints the one table of them all.
_WORKERS_FAULTS: list = []


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    from fault_summary import Fault

    _WORKERS_FAULTS.extend(Fault(**f) for f in json.loads(getattr(node, "workeroutput", {}).get("zwfw_faults", "[]")))


def pytest_terminal_summary(terminalreporter):
    from fault_summary import print_faults

    print_faults(terminalreporter, _WORKERS_FAULTS)


# The slowest files first: under pytest-xdist (`dev.py test` runs `--dist loadfile`: a file's
# tests, and so its module fixtures, stay in one process) the Spark runs and the fault suite then
# start at once, side by side with the rest, instead of being the last to start.
_FIRST = ("spark", "faults", "e2e")


def pytest_collection_modifyitems(config, items):
    rank: dict[str, int] = {}
    for item in items:
        mine = next((i for i, m in enumerate(_FIRST) if item.get_closest_marker(m)), len(_FIRST))
        rank[item.path] = min(rank.get(item.path, mine), mine)
    items.sort(key=lambda item: rank[item.path])  # stable: each file keeps its own order

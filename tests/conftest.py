"""Shared fixtures: a quiet, telemetry-free environment and a prepared dbt manifest."""

from __future__ import annotations

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


def _zwfw(*args: str) -> subprocess.CompletedProcess:
    zwfw = str(Path(sys.executable).with_name("zwfw"))
    env = {k: v for k, v in os.environ.items() if k != "ZWFW_REPORT_DIR"}  # reports beside the warehouse
    proc = subprocess.run([zwfw, *args], capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        raise AssertionError(f"zwfw {' '.join(args)} exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    return proc


@pytest.fixture(scope="session")
def weekly_warehouse(tmp_path_factory, dbt_manifest):
    """Two consecutive weekly snapshots into one warehouse, as a user runs them: a backfill
    (2020-12-18), then a 7-day delta (2020-12-25). Built once per session (each `zwfw run` takes
    most of a minute on two cores) for the end-to-end and the report tests."""
    root = tmp_path_factory.mktemp("e2e")
    raw, warehouse = root / "raw", root / "wh" / "zwfw.duckdb"
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
    first = _zwfw("run", "--raw-dir", str(raw), "--snapshot", "2020-12-18", "--warehouse", str(warehouse))
    second = _zwfw("run", "--raw-dir", str(raw), "--snapshot", "2020-12-25", "--warehouse", str(warehouse))
    return {"raw": raw, "warehouse": warehouse, "first": first, "second": second}

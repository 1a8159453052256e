"""`zwfw mf`: MetricFlow's `mf` on the published warehouse, through dbt's `published` output,
which attaches the file read-only (dbt/profiles.yml)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from dagster_project import config
from dagster_project.manifest import ensure_manifest


def run_mf(settings: config.Settings, args: list[str]) -> int:
    """`mf ARGS` on `settings.warehouse`; its exit code."""
    ensure_manifest()  # dbt parse writes target/semantic_manifest.json, which mf reads
    env = settings.subprocess_environment(DBT_PROFILES_DIR=str(config.DBT_PROJECT_DIR), ZWFW_DBT_TARGET="published")
    mf = Path(sys.executable).with_name("mf")
    return subprocess.run([str(mf), *args], cwd=config.DBT_PROJECT_DIR, env=env).returncode

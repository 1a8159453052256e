"""Shared fixtures: a quiet, telemetry-free environment and a prepared dbt manifest."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "1")


@pytest.fixture(scope="session")
def dbt_manifest():
    """dagster-dbt reads the manifest at import time of the definitions."""
    from dagster_project.manifest import ensure_manifest

    return ensure_manifest()

"""Fixtures that write small input files into tmp_path (no generator involved)."""

from __future__ import annotations

from pathlib import Path

import pytest
from ingest_helpers import Delivery


@pytest.fixture
def delivery(tmp_path: Path) -> Delivery:
    return Delivery(tmp_path)


@pytest.fixture
def with_departments(delivery: Delivery) -> Delivery:
    """A delivery whose departments (D1–D3) are already loaded for SNAPSHOT."""
    delivery.departments()
    return delivery

"""One default-scale sample shared by the generator tests (the slow part is generating it)."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from zwfw_sample import generate_snapshot

SNAPSHOT = dt.date(2020, 12, 25)


@pytest.fixture(scope="session")
def sample(tmp_path_factory):
    from zwfw_sample.world import build_world

    build_world.cache_clear()  # time a cold run
    out = tmp_path_factory.mktemp("generated")
    started = time.perf_counter()
    res = generate_snapshot(out, SNAPSHOT)
    return res, time.perf_counter() - started

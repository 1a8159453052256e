import datetime as dt

import pytest

from dagster_project.jobs import snapshot_for
from dagster_project.partitions import parse_snapshot


def test_friday_tick_names_that_friday():
    tick = dt.datetime(2020, 12, 25, 18, 0)
    assert snapshot_for(tick) == "2020-12-25"


def test_partition_key_must_be_iso_date():
    assert parse_snapshot("2020-12-25") == dt.date(2020, 12, 25)
    with pytest.raises(ValueError, match="ISO date"):
        parse_snapshot("20201225x")

"""Publication is a copy-build-swap: readers are never blocked and never see a failed build."""

import duckdb
import pytest

from dagster_project.publish import build_path, prepare_build, publish


def _write(path, value):
    con = duckdb.connect(str(path))
    con.execute("create or replace table t as select ? as v", [value])
    con.close()


def _read(path):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute("select v from t").fetchone()[0]
    finally:
        con.close()


def test_first_build_starts_empty(tmp_path):
    published = tmp_path / "w.duckdb"
    build = prepare_build(published)
    assert build == build_path(published) and not build.exists()


def test_build_is_a_copy_and_publish_swaps_while_a_reader_is_open(tmp_path):
    published = tmp_path / "w.duckdb"
    _write(published, "old")
    reader = duckdb.connect(str(published), read_only=True)
    build = prepare_build(published)
    _write(build, "new")  # a writer on the build file is not blocked by the reader
    assert reader.execute("select v from t").fetchone()[0] == "old"
    publish(build, published)
    assert reader.execute("select v from t").fetchone()[0] == "old"  # old snapshot until reconnect
    reader.close()
    assert _read(published) == "new"
    assert not build.exists()


def test_failed_build_leaves_published_untouched_and_is_discarded_next_time(tmp_path):
    published = tmp_path / "w.duckdb"
    _write(published, "good")
    build = prepare_build(published)
    _write(build, "half-built")
    # no publish(): the build failed
    assert _read(published) == "good"
    build2 = prepare_build(published)
    assert _read(build2) == "good"


@pytest.mark.parametrize("value", ["a"])
def test_publish_checkpoints_so_no_wal_is_left_behind(tmp_path, value):
    published = tmp_path / "w.duckdb"
    build = prepare_build(published)
    _write(build, value)
    publish(build, published)
    assert not (tmp_path / "w.duckdb.wal").exists()
    assert _read(published) == value

"""Publication: the build's marts go to the lake, and a new small warehouse assembled from the lake
replaces the published file by one rename. Readers are never blocked and never see a failed build."""

import datetime as dt
import hashlib
import os

import duckdb
import pytest

from dagster_project import lake as lake_layout
from dagster_project.publish import fresh_scratch, publish

D1, D2 = dt.date(2020, 12, 18), dt.date(2020, 12, 25)


def _lake(tmp_path):
    """A lake with one source (cases) and its rejects and counts, as ingestion writes them."""
    lake = tmp_path / "lake"
    con = duckdb.connect()
    for day, n in ((D1, 2), (D2, 3)):

        def write(folder, n=n):
            con.execute(
                f"copy (select 'C' || i as case_id, 'f.csv' as _file, i::bigint as _line from range({n}) t(i)) "
                f"to '{folder / 'part-0.parquet'}'"
            )
            con.execute(
                f"copy (select 'cases' as source, 'f.csv' as file, 9::bigint as line, null::varchar as column_name, "
                f"'bad' as reason, '{{}}' as raw_values, now()::timestamp as loaded_at) "
                f"to '{folder / 'rejects.parquet'}'"
            )
            con.execute(
                f"copy (select 'cases' as source, 'f.csv' as file, 'csv' as format, 'utf-8' as encoding, "
                f"{n + 1}::bigint as rows_read, {n}::bigint as rows_loaded, 1::bigint as rows_rejected, "
                f"now()::timestamp as loaded_at) to '{folder / 'load_files.parquet'}'"
            )

        lake_layout.write_partition(lake_layout.partition_dir(lake, "cases", day), write)
    con.close()
    return lake


def _build(tmp_path, lake, snapshot, value):
    """A build's scratch database: one mart holding `snapshot`, and dbt's raw views over the lake."""
    build = tmp_path / "w.duckdb.build"
    fresh_scratch(build)
    con = duckdb.connect(str(build))
    con.execute("create schema marts")
    con.execute(
        "create table marts.fct_x as select ?::date as snapshot_date, 'U1' as unit_code, "
        "?::hugeint as n, 0.5::double as value",
        [snapshot, value],
    )
    con.execute("create schema raw")
    for table, files in (
        ("cases", lake_layout.data_glob(lake, "cases")),
        ("rejects", lake_layout.meta_glob(lake, "rejects.parquet")),
        ("load_files", lake_layout.meta_glob(lake, "load_files.parquet")),
    ):
        con.execute(f"create view raw.{table} as select * from read_parquet('{files}', hive_partitioning = true)")
    con.close()
    return build


def _q(path, sql):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_published_file_holds_every_snapshot_of_the_marts_from_the_lake(tmp_path):
    lake, published = _lake(tmp_path), tmp_path / "w.duckdb"
    first = publish(_build(tmp_path, lake, D1, 10), published, lake, D1)
    assert first.snapshots == 1 and first.marts == 1
    build = _build(tmp_path, lake, D2, 2**70)  # the second build starts empty: it holds D2 only
    assert _q(build, "select count(*) from marts.fct_x") == [(1,)]
    second = publish(build, published, lake, D2)
    assert second.snapshots == 2 and not build.exists()  # the scratch is gone once published
    assert _q(published, "select snapshot_date, n, value from marts.fct_x order by 1") == [
        (D1, 10, 0.5),
        (D2, 2**70, 0.5),
    ]
    types = _q(
        published,
        "select column_name, data_type from duckdb_columns() where table_name = 'fct_x' order by column_index",
    )
    assert types == [("snapshot_date", "DATE"), ("unit_code", "VARCHAR"), ("n", "HUGEINT"), ("value", "DOUBLE")]
    assert sorted(p.name for p in (lake / "marts" / "fct_x").iterdir()) == [
        "snapshot_date=2020-12-18",
        "snapshot_date=2020-12-25",
    ]
    # rejects and counts are tables; the sources are views over the lake, by its absolute path
    kinds = dict(
        _q(
            published,
            "select table_name, 'table' from duckdb_tables() where schema_name = 'raw' "
            "union all select view_name, 'view' from duckdb_views() where schema_name = 'raw'",
        )
    )
    assert kinds == {"rejects": "table", "load_files": "table", "cases": "view"}
    assert _q(published, "select snapshot_date, count(*) from raw.cases group by 1 order by 1") == [(D1, 2), (D2, 3)]
    assert not (tmp_path / "w.duckdb.next").exists() and not (tmp_path / "w.duckdb.wal").exists()
    assert os.stat(published).st_mode & 0o777 == 0o640


def test_republishing_a_snapshot_replaces_it_and_keeps_the_others(tmp_path):
    lake, published = _lake(tmp_path), tmp_path / "w.duckdb"
    publish(_build(tmp_path, lake, D1, 1), published, lake, D1)
    publish(_build(tmp_path, lake, D2, 2), published, lake, D2)
    publish(_build(tmp_path, lake, D1, 7), published, lake, D1)
    assert _q(published, "select snapshot_date, n from marts.fct_x order by 1") == [(D1, 7), (D2, 2)]


def test_a_reader_holding_the_published_file_neither_blocks_nor_sees_the_swap(tmp_path):
    lake, published = _lake(tmp_path), tmp_path / "w.duckdb"
    publish(_build(tmp_path, lake, D1, 1), published, lake, D1)
    reader = duckdb.connect(str(published), read_only=True)
    try:
        publish(_build(tmp_path, lake, D2, 2), published, lake, D2)
        assert reader.execute("select count(*) from marts.fct_x").fetchall() == [(1,)]  # old until reconnect
    finally:
        reader.close()
    assert _q(published, "select count(*) from marts.fct_x") == [(2,)]


def test_a_failed_publication_leaves_the_published_file_byte_identical(tmp_path):
    lake, published = _lake(tmp_path), tmp_path / "w.duckdb"
    publish(_build(tmp_path, lake, D1, 1), published, lake, D1)
    before = _digest(published)
    build = _build(tmp_path, lake, D2, 2)
    con = duckdb.connect(str(build))
    con.execute("create table marts.no_snapshot as select 1 as x")
    con.close()
    with pytest.raises(RuntimeError, match="no snapshot_date column"):
        publish(build, published, lake, D2)
    assert _digest(published) == before
    assert build.exists()  # kept for inspection until the next build starts


def test_an_export_that_fails_halfway_leaks_into_no_later_publication(tmp_path, monkeypatch):
    """D2's export writes one mart and fails on the next (a full disk, or a kill: the same state).
    The published file is unchanged; the next publication, of D1 again, shows D2 in no mart,
    although one mart's D2 partition is in the lake; D2 published again is whole."""

    def build_with_two_marts(snapshot, value):
        build = _build(tmp_path, lake, snapshot, value)
        con = duckdb.connect(str(build))
        con.execute("create table marts.fct_y as select * from marts.fct_x")
        con.close()
        return build

    lake, published = _lake(tmp_path), tmp_path / "w.duckdb"
    publish(build_with_two_marts(D1, 1), published, lake, D1)
    before = _digest(published)
    real, calls = lake_layout.write_partition, []

    def fails_on_the_second(final, write):
        calls.append(final)
        if len(calls) == 2:
            raise OSError("No space left on device")
        return real(final, write)

    monkeypatch.setattr(lake_layout, "write_partition", fails_on_the_second)
    with pytest.raises(OSError, match="No space left"):
        publish(build_with_two_marts(D2, 2), published, lake, D2)
    monkeypatch.setattr(lake_layout, "write_partition", real)
    assert _digest(published) == before
    assert [p.parent.name for p in calls] == ["fct_x", "fct_y"] and (calls[0] / "part-0.parquet").is_file()
    assert lake_layout.published_snapshots(lake) == [D1]

    publish(build_with_two_marts(D1, 3), published, lake, D1)
    for mart in ("fct_x", "fct_y"):
        assert _q(published, f"select snapshot_date, n from marts.{mart}") == [(D1, 3)], mart
    publish(build_with_two_marts(D2, 4), published, lake, D2)
    for mart in ("fct_x", "fct_y"):
        assert _q(published, f"select snapshot_date, n from marts.{mart} order by 1") == [(D1, 3), (D2, 4)], mart


def test_a_lake_from_before_the_markers_marks_its_complete_snapshots_once(tmp_path):
    """fct_x holds D1 and D2, fct_y D1 only (D2's export was killed), fct_new (a mart added
    later) D2 only: D1 is complete, D2 is not."""
    lake = tmp_path / "lake"
    for mart, days in (("fct_x", (D1, D2)), ("fct_y", (D1,)), ("fct_new", (D2,))):
        for day in days:
            folder = lake_layout.mart_dir(lake, mart, day)
            folder.mkdir(parents=True)
            (folder / "part-0.parquet").write_bytes(b"")
    lake_layout.mark_legacy_snapshots(lake)
    assert lake_layout.published_snapshots(lake) == [D1]
    lake_layout.unmark_published(lake, D1)
    lake_layout.mark_legacy_snapshots(lake)  # once: the markers' folder exists now
    assert lake_layout.published_snapshots(lake) == []


def test_a_partition_write_that_fails_keeps_the_old_partition(tmp_path):
    final = lake_layout.partition_dir(tmp_path, "cases", D1)
    lake_layout.write_partition(final, lambda folder: (folder / "part-0.parquet").write_text("old"))

    def broken(folder):
        (folder / "part-0.parquet").write_text("half")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        lake_layout.write_partition(final, broken)
    assert (final / "part-0.parquet").read_text() == "old"
    assert sorted(p.name for p in final.parent.iterdir()) == [final.name]


def test_sweep_restores_a_partition_whose_replacement_never_arrived(tmp_path):
    final = lake_layout.partition_dir(tmp_path, "cases", D1)
    lake_layout.write_partition(final, lambda folder: (folder / "part-0.parquet").write_text("old"))
    # a kill between the two renames: the old partition aside, the new one still hidden
    os.rename(final, final.with_name(f".old-{final.name}-abcd1234"))
    (final.with_name(f".tmp-{final.name}-abcd1234")).mkdir()
    lake_layout.sweep(tmp_path)
    assert (final / "part-0.parquet").read_text() == "old"
    assert sorted(p.name for p in final.parent.iterdir()) == [final.name]


def test_the_record_level_worklist_is_published_as_a_view_over_the_lake(tmp_path):
    lake = _lake(tmp_path)
    published = tmp_path / "w.duckdb"
    for day, records in ((D1, 3), (D2, 2)):
        build = _build(tmp_path, lake, day, 1)
        con = duckdb.connect(str(build))
        con.execute(
            "create table marts.fct_worklist as select ?::date as snapshot_date, 'U1' as unit_code, "
            "'R' || i as record_id from range(?) t(i)",
            [day, records],
        )
        con.close()
        publish(build, published, lake, day)
    assert _q(
        published,
        "select table_type from information_schema.tables where table_schema = 'marts' and table_name = 'fct_worklist'",
    ) == [("VIEW",)]
    assert _q(published, "select snapshot_date, count(*) from marts.fct_worklist group by 1 order by 1") == [
        (D1, 3),
        (D2, 2),
    ]
    assert _q(
        published,
        "select table_type from information_schema.tables where table_schema = 'marts' and table_name = 'fct_x'",
    ) == [("BASE TABLE",)]


def test_the_views_over_the_lake_show_the_published_snapshots_only(tmp_path):
    """The lake holds D2's cases (ingested by a build that has not published yet): the file that
    publishes D1 alone must not show them through raw.cases, or a reader would see a mix."""
    lake, published = _lake(tmp_path), tmp_path / "w.duckdb"
    publish(_build(tmp_path, lake, D1, 1), published, lake, D1)
    assert _q(published, "select distinct snapshot_date from raw.cases") == [(D1,)]
    publish(_build(tmp_path, lake, D2, 2), published, lake, D2)
    assert _q(published, "select distinct snapshot_date from raw.cases order by 1") == [(D1,), (D2,)]

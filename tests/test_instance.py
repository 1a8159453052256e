"""The Dagster instance's settings and its event log (dagster_project/instance.py): the same
files Dagster's own SQLite storage reads, written through kept connections."""

from __future__ import annotations

import dagster as dg
import pytest
from dagster._core.storage.event_log.sqlite import sqlite_event_log
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage

from dagster_project import instance as zwfw_instance
from dagster_project.instance import EventLogStorage, write_settings


def test_settings_written_when_missing_upgraded_when_old_and_never_over_an_operators(tmp_path):
    fresh = write_settings(tmp_path / "fresh")
    assert "class: EventLogStorage" in fresh.read_text() and "enabled: false" in fresh.read_text()
    assert str((tmp_path / "fresh" / "history" / "runs").resolve()) in fresh.read_text()

    old = tmp_path / "old"
    old.mkdir()
    (old / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")  # what earlier versions wrote
    assert "class: EventLogStorage" in write_settings(old).read_text()

    own = tmp_path / "own"
    own.mkdir()
    (own / "dagster.yaml").write_text("run_queue:\n  max_concurrent_runs: 1\n")
    assert write_settings(own).read_text() == "run_queue:\n  max_concurrent_runs: 1\n"


@dg.asset(
    partitions_def=dg.DynamicPartitionsDefinition(name="weeks"), check_specs=[dg.AssetCheckSpec("rows", asset="a_week")]
)
def a_week(context):
    return dg.MaterializeResult(
        metadata={"week": context.partition_key}, check_results=[dg.AssetCheckResult(check_name="rows", passed=True)]
    )


def test_a_run_is_stored_through_kept_engines_and_read_back_by_dagsters_own_storage(tmp_path, monkeypatch):
    home = tmp_path / "home"
    write_settings(home)
    created = []
    real = zwfw_instance.create_engine
    for module in (zwfw_instance, sqlite_event_log):  # ours, and the one Dagster's storage calls
        monkeypatch.setattr(module, "create_engine", lambda *a, **k: created.append(a[0]) or real(*a, **k))
    with dg.DagsterInstance.from_config(str(home)) as instance:
        assert isinstance(instance.event_log_storage, EventLogStorage)
        instance.add_dynamic_partitions("weeks", ["2020-12-18", "2020-12-25"])
        results = [dg.materialize([a_week], instance=instance, partition_key=k) for k in ("2020-12-18", "2020-12-25")]
        assert all(r.success for r in results)
        events = [len(instance.all_logs(r.run_id)) for r in results]
        for _ in range(50):
            assert instance.has_dynamic_partition("weeks", "2020-12-25")
    assert min(events) > 10
    # one engine per database (the index, and each run's), not one per event or schema question
    assert len(created) <= 4, created

    plain = SqliteEventLogStorage(str(home / "history" / "runs"))  # what Dagster reads without our class
    try:
        stored = plain.get_latest_materialization_events([dg.AssetKey("a_week")])[dg.AssetKey("a_week")]
        assert stored.asset_materialization.metadata["week"].value == "2020-12-25"
        assert [len(plain.get_logs_for_run(r.run_id)) for r in results] == events
    finally:
        plain.dispose()


def test_wipe_forgets_its_engines(tmp_path):
    storage = EventLogStorage(str(tmp_path / "runs"))
    try:
        with storage.run_connection("r1") as conn:  # a run's database, whose file wipe deletes
            conn.exec_driver_sql("select 1")
        index = storage._engine("index")  # noqa: SLF001
        assert set(storage._engines) == {"r1", "index"}  # noqa: SLF001 kept
        storage.wipe()
        assert "r1" not in storage._engines and storage._engine("index") is not index  # noqa: SLF001
        assert storage.has_table("event_logs")  # and opens them again
    finally:
        storage.dispose()


@pytest.mark.parametrize("kept", [1, 3])
def test_no_more_databases_are_kept_open_than_allowed(tmp_path, monkeypatch, kept):
    monkeypatch.setattr(zwfw_instance, "_ENGINES_KEPT", kept)
    storage = EventLogStorage(str(tmp_path / "runs"))
    try:
        for run in range(6):
            with storage.run_connection(f"run{run}") as conn:
                conn.exec_driver_sql("select 1")
        assert len(storage._engines) == kept  # noqa: SLF001
    finally:
        storage.dispose()

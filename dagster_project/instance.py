"""The Dagster instance a run records into: its settings file, and an event log that keeps its
connections.

A weekly run stores about 730 events (each dbt model and test is an asset or a check: planned,
output, materialized or evaluated). Dagster's SQLite event log opens a new engine and
connection for every event, and commits each with a full sync of the write-ahead log: 10 to
20 ms an event, about 15 s a run, more than a small week's data costs. `EventLogStorage` is
the same storage, in the same files, that keeps one engine per database and syncs the log
only at checkpoints (`synchronous=NORMAL`, which SQLite documents as safe with WAL against a
crashed process; only a power cut can lose the last events, never corrupt the file). The
warehouse's own atomicity does not rest on this log.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import weakref
from collections import OrderedDict
from collections.abc import Iterator
from pathlib import Path

from dagster._core.storage.event_log.sqlite.sqlite_event_log import INDEX_SHARD_NAME, SqliteEventLogStorage
from dagster._core.storage.sql import create_engine
from sqlalchemy import event

# Open databases kept at once: the index and the runs being written or watched. A web server that
# reads hundreds of runs must not hold a file open for each.
_ENGINES_KEPT = 8
_BUSY_TIMEOUT_SECONDS = 15  # as Dagster's own SQLite storages wait for a concurrent writer

# What `zwfw setup`, `zwfw run` and the tests write when DAGSTER_HOME has no settings yet.
# (Old homes, whose file holds only the telemetry line, are upgraded to this.)
_OLD_SETTINGS = "telemetry:\n  enabled: false\n"
_SETTINGS = """\
# Written by zwfw (dagster_project/instance.py). Edit freely: zwfw only writes this file when it
# is missing.
telemetry:
  enabled: false
# Dagster's own SQLite event log, in its usual place, keeping its connections open
event_log_storage:
  module: dagster_project.instance
  class: EventLogStorage
  config:
    base_dir: {base_dir}
"""


class EventLogStorage(SqliteEventLogStorage):
    """Dagster's SQLite event log (the same files under `history/runs`) with one engine per
    database, kept, and the write-ahead log synced at checkpoints rather than at each event."""

    def __init__(self, base_dir: str, inst_data=None):
        self._engines: OrderedDict[str, object] = OrderedDict()
        self._engines_lock = threading.Lock()
        self._tables: set[str] = set()  # tables the index has (a table once there stays)
        super().__init__(base_dir, inst_data)
        this = weakref.ref(self)  # a forked child opens its own connections
        os.register_at_fork(after_in_child=lambda: (storage := this()) is not None and storage._forget_engines())

    @classmethod
    def from_config_value(cls, inst_data, config_value):
        return cls(inst_data=inst_data, **config_value)

    def _engine(self, shard: str):
        with self._engines_lock:
            engine = self._engines.pop(shard, None)
            if engine is None:
                engine = create_engine(
                    self.conn_string_for_shard(shard), connect_args={"timeout": _BUSY_TIMEOUT_SECONDS}
                )
                event.listen(engine, "connect", _sync_at_checkpoints)
            self._engines[shard] = engine
            while len(self._engines) > _ENGINES_KEPT:
                _, old = self._engines.popitem(last=False)
                old.dispose()
            return engine

    @contextlib.contextmanager
    def _connect(self, shard: str) -> Iterator:
        with self._db_lock:
            engine = self._engine(shard)
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            with engine.connect() as conn, conn.begin():
                yield conn

    def has_table(self, table_name: str) -> bool:
        # asked before most asset events; Dagster's answer opens a new engine each time
        if table_name not in self._tables:
            engine = self._engine(INDEX_SHARD_NAME)
            with engine.connect() as conn:
                if engine.dialect.has_table(conn, table_name):
                    self._tables.add(table_name)
        return table_name in self._tables

    def _forget_engines(self) -> None:
        self._engines = OrderedDict()
        self._engines_lock = threading.Lock()

    def wipe(self) -> None:
        self.dispose_engines()
        self._tables.clear()
        super().wipe()

    def dispose_engines(self) -> None:
        with self._engines_lock:
            for engine in self._engines.values():
                engine.dispose()
            self._engines.clear()

    def dispose(self) -> None:
        self.dispose_engines()
        super().dispose()


def _sync_at_checkpoints(dbapi_connection, _record) -> None:
    dbapi_connection.execute("PRAGMA synchronous=NORMAL")


def write_settings(home: Path) -> Path:
    """DAGSTER_HOME's `dagster.yaml`: written when missing (or still the old telemetry-only
    file); never over an operator's own."""
    home = Path(home)
    home.mkdir(parents=True, exist_ok=True)
    settings = home / "dagster.yaml"
    if not settings.exists() or settings.read_text(encoding="utf-8") == _OLD_SETTINGS:
        base_dir = json.dumps(str(home.resolve() / "history" / "runs"), ensure_ascii=False)  # a YAML string
        settings.write_text(_SETTINGS.format(base_dir=base_dir), encoding="utf-8")
    return settings

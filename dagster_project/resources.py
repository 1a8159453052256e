"""The DuckDB warehouse as a Dagster resource."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import dagster as dg
import duckdb

from dagster_project import config


class WarehouseResource(dg.ConfigurableResource):
    """Where the pipeline writes.

    `path` empty means "ask `ZWFW_WAREHOUSE` at run time", the variable the dbt profile reads
    too, so the two can never point at different files. Connections are opened per use and
    closed at once: DuckDB allows one writer per file, and dbt runs in between.
    """

    path: str = ""

    @property
    def file(self) -> Path:
        return Path(self.path).resolve() if self.path else config.warehouse_path()

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        self.file.parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(str(self.file), read_only=read_only)
        try:
            yield con
        finally:
            con.close()

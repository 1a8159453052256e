"""dbt's source declarations mirror the source registry (contract/zwfw_contract/sources.py)."""

from __future__ import annotations

from pathlib import Path

import yaml

from zwfw_contract.sources import SOURCES

SOURCES_YML = Path(__file__).resolve().parents[2] / "dbt" / "models" / "staging" / "_sources.yml"
SQL_TYPES = {"text": "varchar", "int": "bigint", "bool": "boolean", "date": "date", "timestamp": "timestamp"}


def _tables() -> dict[str, dict]:
    (raw,) = yaml.safe_load(SOURCES_YML.read_text(encoding="utf-8"))["sources"]
    assert raw["name"] == "raw" and raw["schema"] == "raw"
    return {t["name"]: t for t in raw["tables"]}


def test_every_registry_source_is_declared_with_its_columns_in_order_and_typed():
    tables = _tables()
    for source in SOURCES:
        declared = [(c["name"], c["data_type"]) for c in tables[source.name]["columns"]]
        expected = [
            ("snapshot_date", "date"),
            *((c.name, SQL_TYPES[c.type]) for c in source.columns),
            ("_file", "varchar"),
            ("_line", "bigint"),
        ]
        assert declared == expected, source.name


def test_only_the_registry_sources_and_the_load_tables_are_declared():
    assert set(_tables()) == {s.name for s in SOURCES} | {"rejects", "load_files"}


def test_every_source_and_column_is_described():
    for name, table in _tables().items():
        assert table.get("description"), name
        for column in table["columns"]:
            assert column.get("description"), f"{name}.{column['name']}"


def test_one_staging_model_per_source():
    staging = SOURCES_YML.parent
    assert {p.stem for p in staging.glob("stg_*.sql")} == {f"stg_{s.name}" for s in SOURCES}

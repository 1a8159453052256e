"""The SQL keyed hash is exactly HMAC-SHA256, so it can be recomputed outside DuckDB."""

from __future__ import annotations

import hashlib
import hmac

import duckdb
import pytest

from dagster_project.ingest.pii import hmac_sql, pads, pseudonymise


@pytest.mark.parametrize("key", ["k", "开发密钥", "x" * 100])  # short, non-ASCII, longer than a block
@pytest.mark.parametrize("value", ["王小明", "13800001234", ""])
def test_sql_equals_python_hmac(key, value):
    con = duckdb.connect()
    got = con.execute(f"SELECT {hmac_sql('v')} FROM (SELECT $v::VARCHAR AS v)", {"v": value, **pads(key)}).fetchone()[0]
    expected = hmac.new(key.encode(), value.encode(), hashlib.sha256).hexdigest()
    assert got == expected == pseudonymise(value, key)
    assert len(got) == 64


def test_null_stays_null():
    con = duckdb.connect()
    assert con.execute(f"SELECT {hmac_sql('NULL::VARCHAR')}", pads("k")).fetchone()[0] is None
    assert pseudonymise(None, "k") is None


def test_key_changes_the_hash():
    assert pseudonymise("王小明", "a") != pseudonymise("王小明", "b")

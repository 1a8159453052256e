"""Two published warehouses compared mart by mart, row for row: text identical, numbers within
1e-12. Rows are matched after sorting both sides by their exact columns (text, integers, dates,
booleans), then by their floating columns rounded: never by position in a file."""

from __future__ import annotations

import datetime as dt
import decimal
import math
from pathlib import Path

import duckdb

TOLERANCE = 1e-12
FLOATING = ("DOUBLE", "FLOAT", "REAL")


def _columns(con: duckdb.DuckDBPyConnection, db: str, table: str) -> dict[str, str]:
    return dict(
        con.execute(
            "select column_name, data_type from duckdb_columns() where database_name = ? "
            "and schema_name = 'marts' and table_name = ? order by column_index",
            [db, table],
        ).fetchall()
    )


def marts(warehouse: Path) -> list[str]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return [
            r[0]
            for r in con.execute(
                "select table_name from duckdb_tables() where schema_name = 'marts' "
                "union select view_name from duckdb_views() where schema_name = 'marts' "
                "order by 1"
            ).fetchall()
        ]
    finally:
        con.close()


def _number(value):
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _same(a, b) -> bool:
    a, b = _number(a), _number(b)
    if isinstance(a, bool) or isinstance(b, bool) or a is None or b is None:
        return a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b or math.isclose(a, b, rel_tol=TOLERANCE, abs_tol=TOLERANCE)
    return a == b


def differences(expected: Path, actual: Path, table: str, snapshot: dt.date, limit: int = 5) -> list[str]:
    """What differs in `marts.<table>` for `snapshot` between two published files ([] when equal)."""
    con = duckdb.connect()
    try:
        con.execute(f"attach '{expected}' as expected (read_only)")
        con.execute(f"attach '{actual}' as actual (read_only)")
        want, got = _columns(con, "expected", table), _columns(con, "actual", table)
        if list(want) != list(got):
            return [f"{table}: columns {list(got)} instead of {list(want)}"]
        exact = [c for c, t in want.items() if t not in FLOATING and got[c] not in FLOATING]
        order = (
            ", ".join([f'"{c}"' for c in exact] + [f'round("{c}", 9)' for c in want if c not in exact]) + " nulls first"
        )
        cols = ", ".join(f'"{c}"' for c in want)
        rows = {}
        for db in ("expected", "actual"):
            rows[db] = con.execute(
                f'select {cols} from {db}.marts."{table}" where snapshot_date = ? order by {order}', [snapshot]
            ).fetchall()
    finally:
        con.close()
    if len(rows["expected"]) != len(rows["actual"]):
        return [f"{table} {snapshot}: {len(rows['actual'])} rows instead of {len(rows['expected'])}"]
    found = []
    names = list(want)
    for i, (a, b) in enumerate(zip(rows["expected"], rows["actual"])):
        bad = [f"{n}={y!r} (expected {x!r})" for n, x, y in zip(names, a, b) if not _same(x, y)]
        if bad:
            found.append(f"{table} {snapshot} row {i} {dict(zip(names, a))}: " + ", ".join(bad))
            if len(found) >= limit:
                break
    return found

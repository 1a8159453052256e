"""`zwfw sql`: a read-only SQL shell on the published warehouse, with the DuckDB this project pins.

The DuckDB command-line shell on PyPI (duckdb-cli 1.5) cannot open a DuckDB 2.0 file, so analysts
get this instead: the same SQL, read-only (a build is never blocked, nothing is written), one
statement per line or ended by `;`, results as DuckDB prints them.
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import TextIO

import duckdb

PROMPT, MORE = "zwfw> ", "  ...> "
HELP = (
    ".tables lists the published tables and views; .describe TABLE their columns with comments; "
    ".quit leaves. Anything else is SQL, ended by ';' (or a line of its own when not interactive)."
)


def _print(con: duckdb.DuckDBPyConnection, sql: str, out: TextIO) -> None:
    relation = con.sql(sql)
    if relation is None:
        return
    with contextlib.redirect_stdout(out):  # show() prints; it renders like the DuckDB shell
        relation.show(max_width=160, max_rows=200, max_col_width=80)


def _command(con: duckdb.DuckDBPyConnection, line: str, out: TextIO) -> bool:
    """A dot command; False to quit."""
    word, _, arg = line.partition(" ")
    if word in (".quit", ".exit"):
        return False
    if word == ".tables":
        _print(
            con,
            "select schema_name || '.' || table_name as name, comment from duckdb_tables() "
            "union all select schema_name || '.' || view_name, comment from duckdb_views() where not internal "
            "order by 1",
            out,
        )
    elif word == ".describe" and arg:
        schema, _, table = arg.strip().rpartition(".")
        _print(
            con,
            "select column_name, data_type, comment from duckdb_columns() where table_name = "
            f"'{table.replace(chr(39), '')}' and schema_name = '{(schema or 'marts').replace(chr(39), '')}' "
            "order by column_index",
            out,
        )
    else:
        print(HELP, file=out)
    return True


def run(warehouse: Path, command: str | None = None, stdin: TextIO = sys.stdin, out: TextIO = sys.stdout) -> int:
    con = duckdb.connect(str(warehouse), read_only=True)
    errors = 0
    try:
        statements = [command] if command is not None else None
        interactive = command is None and stdin.isatty()
        if interactive:
            print(f"{warehouse} (read-only). {HELP}", file=out)
        buffer: list[str] = []
        while True:
            if statements is not None:
                if not statements:
                    break
                line = statements.pop(0)
            else:
                try:
                    line = input(MORE if buffer else PROMPT) if interactive else stdin.readline()
                except EOFError:
                    break
                if not interactive and line == "":
                    break
            line = line.rstrip("\n")
            if not buffer and line.strip().startswith("."):
                if not _command(con, line.strip(), out):
                    break
                continue
            buffer.append(line)
            text = "\n".join(buffer).strip()
            if not text or (interactive and not text.endswith(";")):
                continue
            buffer = []
            try:
                _print(con, text, out)
            except duckdb.Error as exc:
                errors += 1
                print(f"Error: {exc}", file=sys.stderr)
    finally:
        con.close()
    return 1 if errors else 0

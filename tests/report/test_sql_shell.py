"""`zwfw sql`: the read-only shell analysts get instead of a DuckDB CLI that cannot open 2.0 files."""

from __future__ import annotations

import io

import duckdb
import pytest

from dagster_project.analysts import sql_shell


@pytest.fixture
def warehouse(tmp_path):
    path = tmp_path / "w.duckdb"
    con = duckdb.connect(str(path))
    con.execute("create schema marts; create table marts.fct_metrics (metric_code varchar, value double)")
    con.execute("comment on column marts.fct_metrics.value is 'the unrounded value'")
    con.execute("insert into marts.fct_metrics values ('t08_ua_coverage', 0.75)")
    con.close()
    return path


def test_one_statement_prints_its_rows(warehouse):
    out = io.StringIO()
    assert sql_shell.run(warehouse, "select metric_code, value from marts.fct_metrics", out=out) == 0
    assert "t08_ua_coverage" in out.getvalue() and "0.75" in out.getvalue()


def test_statements_from_stdin_and_dot_commands(warehouse):
    out = io.StringIO()
    stdin = io.StringIO(
        ".describe marts.fct_metrics\nselect count(*) as n_rows from marts.fct_metrics\n"
        ".quit\nselect 'after quit' as never\n"
    )
    assert sql_shell.run(warehouse, stdin=stdin, out=out) == 0
    text = out.getvalue()
    assert "the unrounded value" in text  # .describe shows the columns' comments
    assert "n_rows" in text and "never" not in text


def test_it_cannot_write_and_says_so(warehouse, capsys):
    out = io.StringIO()
    assert sql_shell.run(warehouse, "create table marts.x (i int)", out=out) == 1
    assert "read-only" in capsys.readouterr().err.lower()
    con = duckdb.connect(str(warehouse), read_only=True)
    assert con.execute("select count(*) from duckdb_tables() where table_name = 'x'").fetchall() == [(0,)]
    con.close()

"""Bad input to the command line: one line naming the absolute path and what is expected, exit 2,
in under 5 s, before anything has started (no Dagster run, no warehouse touched)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ZWFW = str(Path(sys.executable).with_name("zwfw"))
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _zwfw(*args: str, env: dict | None = None) -> tuple[subprocess.CompletedProcess, float]:
    started = time.monotonic()
    proc = subprocess.run([ZWFW, *args], capture_output=True, text=True, env={**os.environ, **(env or {})})
    return proc, time.monotonic() - started


def _one_line_error(proc: subprocess.CompletedProcess, seconds: float, *expected: str) -> str:
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    assert seconds < 5, f"took {seconds:.1f}s"
    lines = proc.stderr.strip().splitlines()
    assert lines and all(line.startswith("zwfw ") for line in lines), proc.stderr
    assert "Traceback" not in proc.stderr and "passed" not in proc.stdout
    for text in expected:
        assert text in proc.stderr, proc.stderr
    return proc.stderr


@pytest.fixture
def delivery(tmp_path) -> Path:
    """A landing zone with one snapshot holding every reference source (tiny files)."""
    from zwfw_contract.sources import SOURCES

    day = tmp_path / "raw" / "2020-12-25"
    day.mkdir(parents=True)
    for s in SOURCES:
        if s.kind == "reference":
            (day / f"{s.name}.csv").write_text(",".join(s.column_names) + "\n", encoding="utf-8")
    return tmp_path / "raw"


def test_run_with_a_raw_dir_that_does_not_exist(tmp_path):
    missing = tmp_path / "no" / "such" / "raw"
    proc, s = _zwfw(
        "run",
        "--raw-dir",
        str(missing),
        "--snapshot",
        "2020-12-25",
        "--warehouse",
        str(tmp_path / "wh" / "zwfw.duckdb"),
    )
    err = _one_line_error(proc, s, f"zwfw run: {missing}: no such folder", "expected the landing zone")
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "wh").exists()  # nothing started


def test_run_with_a_relative_raw_dir_names_it_absolutely(tmp_path):
    proc = subprocess.run(
        [ZWFW, "run", "--raw-dir", "nope", "--snapshot", "2020-12-25"], capture_output=True, text=True, cwd=tmp_path
    )
    assert proc.returncode == 2 and f"{tmp_path / 'nope'}: no such folder" in proc.stderr


def test_run_with_a_snapshot_that_was_not_delivered(delivery, tmp_path):
    proc, s = _zwfw(
        "run", "--raw-dir", str(delivery), "--snapshot", "2020-12-26", "--warehouse", str(tmp_path / "zwfw.duckdb")
    )
    _one_line_error(proc, s, f"{delivery / '2020-12-26'}: no such folder", "it holds 2020-12-25")


def test_run_with_an_empty_snapshot_folder(tmp_path):
    day = tmp_path / "raw" / "2020-12-25"
    day.mkdir(parents=True)
    proc, s = _zwfw(
        "run",
        "--raw-dir",
        str(tmp_path / "raw"),
        "--snapshot",
        "2020-12-25",
        "--warehouse",
        str(tmp_path / "zwfw.duckdb"),
    )
    _one_line_error(proc, s, f"{day}: the snapshot folder is empty")


def test_run_with_a_missing_reference_file_names_each(delivery, tmp_path):
    (delivery / "2020-12-25" / "regions.csv").unlink()
    (delivery / "2020-12-25" / "population.csv").unlink()
    proc, s = _zwfw(
        "run", "--raw-dir", str(delivery), "--snapshot", "2020-12-25", "--warehouse", str(tmp_path / "zwfw.duckdb")
    )
    err = _one_line_error(
        proc, s, f"{delivery / '2020-12-25' / 'regions'}.(csv|parquet|xlsx): missing", "reference source population"
    )
    assert len(err.strip().splitlines()) == 2


def test_run_with_an_ambiguous_delivery(delivery, tmp_path):
    shutil.copy(delivery / "2020-12-25" / "regions.csv", delivery / "2020-12-25" / "regions.parquet")
    proc, s = _zwfw(
        "run", "--raw-dir", str(delivery), "--snapshot", "2020-12-25", "--warehouse", str(tmp_path / "zwfw.duckdb")
    )
    _one_line_error(proc, s, "ambiguous delivery of regions", "deliver exactly one")


def test_audit_of_a_missing_or_empty_folder(tmp_path):
    proc, s = _zwfw("audit", str(tmp_path / "typo"))
    _one_line_error(proc, s, f"zwfw audit: {tmp_path / 'typo'}: no such folder")
    proc, s = _zwfw("audit", str(tmp_path))
    _one_line_error(proc, s, f"zwfw audit: {tmp_path}: holds no tNN.csv file")


def test_audit_of_the_printed_bulletin_still_finds_its_one_inconsistency():
    proc, _ = _zwfw("audit", str(FIXTURES / "bulletin-2020-12-25"))
    assert proc.returncode == 1 and "1 inconsistency" in proc.stdout


def test_check_and_report_of_an_absent_warehouse_or_snapshot(tmp_path):
    import duckdb

    missing = tmp_path / "none.duckdb"
    for command in ("check", "report"):
        proc, s = _zwfw(command, "--warehouse", str(missing))
        _one_line_error(proc, s, f"zwfw {command}: {missing}: no such file")
    wh = tmp_path / "wh.duckdb"
    con = duckdb.connect(str(wh))
    con.execute("create schema marts; create table marts.fct_metrics (snapshot_date date)")
    con.execute("insert into marts.fct_metrics values ('2020-12-25')")
    con.close()
    for command in ("check", "report"):
        proc, s = _zwfw(command, "--warehouse", str(wh), "--snapshot", "2019-01-01")
        _one_line_error(proc, s, f"{wh}: snapshot 2019-01-01 is not published (published: 2020-12-25)")


def test_every_option_has_help_and_every_command_an_example():
    from dagster_project.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    assert set(sub.choices) >= {"generate", "run", "check", "audit", "report", "setup"}
    for name, command in sub.choices.items():
        assert (command.epilog or "").startswith("example:\n  zwfw " + name), name
        for action in command._actions:
            if action.dest != "help":
                assert action.help and len(action.help) > 10, (name, action.dest)
    run_help = sub.choices["run"].format_help()
    assert "--raw-dir DIR" in run_help and "YYYY-MM-DD" in run_help and "default:" in run_help

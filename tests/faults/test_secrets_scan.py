"""Secrets and personal data after real runs with a secret key (not the development one): a
`zwfw run`, then the next week as a Dagster job (how the UI and the schedule run it). The key is
in no file they wrote (their console output, Dagster's event and compute logs, dbt's logs and
run_results.json, the lake, the warehouse); no plaintext ID number, name, phone or comment is
in any of them either, as bytes or as decoded Parquet/DuckDB values; none is world-readable."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import duckdb
import pyarrow.csv as pacsv
import pytest
from fault_world import SNAPSHOTS, dagster_home, dagster_job, zwfw_run
from warehouse_helpers import run_env

from dagster_project import config
from zwfw_contract.sources import SOURCES

pytestmark = [pytest.mark.faults, pytest.mark.e2e]
SECRET_KEY = "fault-suite-secret-key-7f3a9c2e41"
SAMPLE = 200  # values of each personal column looked for


def _personal_values(raw: Path) -> set[str]:
    values: set[str] = set()
    for source in SOURCES:
        files = list((raw / SNAPSHOTS[0]).glob(f"{source.name}.csv"))
        if not source.pii_columns or not files:
            continue
        table = pacsv.read_csv(
            files[0],
            convert_options=pacsv.ConvertOptions(
                include_columns=list(source.pii_columns), column_types={c: "string" for c in source.pii_columns}
            ),
        )
        for column in table.columns:
            values |= {v.strip() for v in column.to_pylist()[: SAMPLE * 3] if v and len(v.strip()) >= 3}
    return values


def _decoded(path: Path) -> bytes:
    """What a file holds once decompressed: every value of a Parquet file or of a DuckDB file's tables."""
    con = duckdb.connect()
    try:
        if path.suffix == ".parquet":
            return repr(con.execute("select * from read_parquet(?)", [str(path)]).fetchall()).encode()
        con.execute(f"attach '{path}' as w (read_only)")
        tables = con.execute("select schema_name, table_name from duckdb_tables() where database_name = 'w'").fetchall()
        return b"".join(repr(con.execute(f'select * from w."{s}"."{t}"').fetchall()).encode() for s, t in tables)
    finally:
        con.close()


def test_no_key_and_no_personal_data_in_any_file_written(fault, small_world, tmp_path):
    fault.tried(
        "the key and personal data in files written (CLI and Dagster runs)",
        "0 hits in any byte; no world-readable file",
    )
    root = tmp_path / "run"
    published, temp, home = root / "wh" / "zwfw.duckdb", root / "tmp", root / "dagster"
    temp.mkdir(parents=True)
    dagster_home(home, SNAPSHOTS[1])
    env = run_env(published, small_world["raw"], ZWFW_PII_KEY=SECRET_KEY, TMPDIR=str(temp), DAGSTER_HOME=str(home))
    env.pop("ZWFW_DEVELOPMENT_KEY", None)
    dbt_outputs = [config.DBT_PROJECT_DIR / "target" / "run_results.json", config.DBT_PROJECT_DIR / "logs" / "dbt.log"]
    started = {p: p.stat().st_mtime_ns if p.exists() else None for p in dbt_outputs}
    run = subprocess.run(zwfw_run(published, small_world["raw"], SNAPSHOTS[0]), env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    assert "development key" not in run.stdout + run.stderr
    # The next week as the Dagster UI or the schedule runs it: the same instance, its own event log
    job = subprocess.run(dagster_job(SNAPSHOTS[1]), env=env, capture_output=True, text=True)
    assert job.returncode == 0 and "RUN_SUCCESS" in job.stdout + job.stderr, job.stdout[-2000:] + job.stderr[-2000:]
    for name, out in (("zwfw-run", run), ("dagster-job", job)):  # what a terminal or a scheduler log shows
        console = root / f"{name}.console.log"
        console.write_text(out.stdout + out.stderr)
        console.chmod(0o640)  # the test's own file: its mode is not the pipeline's to answer for

    written = [p for p in root.rglob("*") if p.is_file() and p != home / "dagster.yaml"]  # not the test's own
    written += [p for p in dbt_outputs if p.exists() and p.stat().st_mtime_ns != started[p]]
    assert any(p.suffix == ".parquet" for p in written) and published in written
    secrets = {SECRET_KEY} | _personal_values(small_world["raw"])
    assert len(secrets) > 100
    hits: dict[str, str] = {}
    for path in written:
        blobs = [path.read_bytes()]
        if path.suffix in (".parquet", ".duckdb"):
            blobs.append(_decoded(path))
        for secret in secrets:
            if any(secret.encode() in blob for blob in blobs):
                hits.setdefault(
                    secret if secret == SECRET_KEY else f"a personal value ({len(secret)} chars)", str(path)
                )
    exposed = sorted(
        str(p) for p in written if p.is_relative_to(root) and os.stat(p).st_mode & (stat.S_IROTH | stat.S_IWOTH)
    )
    fault.leaks = len(hits) + len(exposed)
    fault.observed = (
        f"{len(written)} files scanned for {len(secrets)} secrets: {len(hits)} hits, {len(exposed)} world-readable"
    )
    assert not hits, hits
    assert not exposed, exposed[:10]
    assert run.stdout.count("\n") > 3  # the run did print its summary, which was scanned as its log

"""End to end: `zwfw generate` then `zwfw run`, as a user runs them, through Dagster and dbt."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

pytestmark = pytest.mark.e2e
# quick: the inner loop's tier (`dev.py test --quick`) reads the session's two weekly runs;
# a third run (re-running a snapshot) is left to the full suite
quick = pytest.mark.quick

ZWFW = str(Path(sys.executable).with_name("zwfw"))


def zwfw(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    proc = subprocess.run([ZWFW, *args], capture_output=True, text=True)
    if check and proc.returncode != 0:
        raise AssertionError(f"zwfw {' '.join(args)} exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    return proc


@pytest.fixture(scope="module")
def built(weekly_warehouse):
    """Two consecutive weekly snapshots into one warehouse: a backfill, then a 7-day delta
    (built once per session in conftest.py, shared with the report tests)."""
    return weekly_warehouse


def _q(warehouse: Path, sql: str, params=None):
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


@quick
def test_run_prints_a_summary_and_publishes(built):
    out = built["second"].stdout
    assert "OK" in out and "published warehouse" in out
    assert "cases" in out and "rejected" in out
    assert built["warehouse"].exists()
    assert not Path(str(built["warehouse"]) + ".build").exists()


@quick
def test_counts_reconcile_for_every_file(built):
    bad = _q(built["warehouse"], "select file from raw.load_files where rows_read <> rows_loaded + rows_rejected")
    assert bad == []
    rejected = _q(built["warehouse"], "select count(*) from raw.rejects where snapshot_date = '2020-12-18'")[0][0]
    assert rejected > 0, "the sample's deliberately bad rows must be rejected, not dropped"


@quick
def test_tables_8_and_9_published_for_both_snapshots(built):
    rows = _q(
        built["warehouse"],
        """select snapshot_date, table_no, count(*) from marts.fct_metrics
           where table_no in (8, 9) group by all order by all""",
    )
    snaps = {(r[0], r[1]) for r in rows}
    assert snaps == {
        (dt.date(2020, 12, 18), 8),
        (dt.date(2020, 12, 18), 9),
        (dt.date(2020, 12, 25), 8),
        (dt.date(2020, 12, 25), 9),
    }
    # 18 cities + TOTAL at city level, 10 direct-admin counties + TOTAL: 3 metrics each
    t08 = _q(
        built["warehouse"],
        """select scope, count(distinct unit_code) from marts.fct_metrics
             where table_no = 8 and snapshot_date = '2020-12-25' group by scope order by scope""",
    )
    assert t08 == [("city_level", 19), ("direct_county", 11)]


@quick
def test_totals_are_sums_over_units(built):
    mismatches = _q(
        built["warehouse"],
        """
        with u as (
          select snapshot_date, metric_code, scope, sum(numerator) n, sum(denominator) d
          from marts.fct_metrics where table_no in (8, 9) and unit_code <> 'TOTAL' and numerator is not null
          group by all)
        select t.metric_code, t.scope from marts.fct_metrics t join u using (snapshot_date, metric_code, scope)
        where t.unit_code = 'TOTAL' and (t.numerator <> u.n or t.denominator <> u.d)
        """,
    )
    assert mismatches == []


@quick
def test_events_accumulate_as_deltas(built):
    # the second delivery only holds a week of versions, yet YTD cases keep growing
    per_snap = _q(built["warehouse"], "select snapshot_date, count(*) from raw.cases group by 1 order by 1")
    assert len(per_snap) == 2 and per_snap[1][1] < per_snap[0][1]


def test_rerunning_a_snapshot_changes_nothing(built, tmp_path):
    # row for row, not a float sum: a sum's last bit depends on the order the scan meets the rows
    metrics = "select * from marts.fct_metrics order by all"
    before = _q(built["warehouse"], metrics)
    raw_before = _q(built["warehouse"], "select count(*) from raw.cases")
    zwfw("run", "--raw-dir", str(built["raw"]), "--snapshot", "2020-12-25", "--warehouse", str(built["warehouse"]))
    after = _q(built["warehouse"], metrics)
    assert len(after) == len(before) > 0
    assert after == before
    assert _q(built["warehouse"], "select count(*) from raw.cases") == raw_before


@quick
def test_no_personal_data_in_the_clear(built):
    # the generator writes Chinese names and 11-digit phones; none may reach the warehouse
    import pyarrow.dataset as ds

    names = (
        ds.dataset(str(built["raw"] / "2020-12-25" / "tickets.csv"), format="csv")
        .to_table(columns=["requester_phone"])
        .column(0)
        .to_pylist()
    )
    phones = [p for p in names if p][:50]
    assert phones
    blob = built["warehouse"].read_bytes()
    lake = built["warehouse"].parent / "lake"
    files = sorted(p for p in lake.rglob("*.parquet"))
    assert any("tickets" in p.parts for p in files)
    blob += b"".join(p.read_bytes() for p in files)
    con = duckdb.connect()  # Parquet pages are compressed: scan the decoded values of tickets and rejects too
    for p in files:
        if "tickets" in p.parts or p.name == "rejects.parquet":
            blob += repr(con.execute("select * from read_parquet(?)", [str(p)]).fetchall()).encode("utf-8")
    con.close()
    for phone in phones:
        assert phone.encode() not in blob


@quick
def test_missing_reference_file_fails_and_keeps_the_published_warehouse(built, tmp_path):
    import shutil

    raw = tmp_path / "raw"
    shutil.copytree(built["raw"] / "2020-12-25", raw / "2020-12-25")
    (raw / "2020-12-25" / "regions.csv").unlink()
    before = built["warehouse"].stat().st_mtime_ns
    proc = zwfw(
        "run", "--raw-dir", str(raw), "--snapshot", "2020-12-25", "--warehouse", str(built["warehouse"]), check=False
    )
    # caught before the run starts: one line naming the absolute path, exit 2, nothing touched
    assert proc.returncode == 2
    assert f"zwfw run: {(raw / '2020-12-25' / 'regions').absolute()}.(csv|parquet|xlsx): missing" in proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""
    assert built["warehouse"].stat().st_mtime_ns == before


def _contract_metric_codes() -> set[str]:
    """Every metric code CONTRACT §5 names; `t15_*`/`t17_*` are t14's and t16's under their own table."""
    import re

    text = (Path(__file__).parent / "fixtures" / "CONTRACT.md").read_text(encoding="utf-8")
    section = text.split("## 5. Metrics", 1)[1].split("## 6.", 1)[0]
    codes = set(re.findall(r"`(t\d\d_[a-z_]+)`", section))
    codes |= {"t15_" + c[4:] for c in codes if c.startswith("t14_")}
    codes |= {"t17_" + c[4:] for c in codes if c.startswith("t16_")}
    return codes


@quick
def test_every_contract_metric_is_published(built):
    published = {
        r[0]
        for r in _q(
            built["warehouse"], "select distinct metric_code from marts.fct_metrics where snapshot_date = '2020-12-25'"
        )
    }
    assert _contract_metric_codes() - published == set()
    assert published - _contract_metric_codes() == set()


@quick
def test_every_metric_covers_its_whole_roster_plus_total(built):
    # within a table and scope, every metric lists the same units; ranked tables end with 合计
    rows = _q(
        built["warehouse"],
        """
        select table_no, scope, metric_code, list(unit_code order by unit_code)
        from marts.fct_metrics where snapshot_date = '2020-12-25' group by all""",
    )
    by_scope: dict = {}
    for table_no, scope, code, units in rows:
        by_scope.setdefault((table_no, scope), {})[code] = units
        if table_no not in (5, 6, 12, 13):
            assert "TOTAL" in units, (table_no, scope, code)
    for key, metrics in by_scope.items():
        assert len({tuple(u) for u in metrics.values()}) == 1, key
    sizes = {k: len(next(iter(m.values()))) for k, m in by_scope.items()}
    assert sizes[(8, "city_level")] == 19 and sizes[(8, "direct_county")] == 11
    assert sizes[(9, "city_counties")] == 18  # 17 cities with counties (济源 has none) + 合计


def _log_of(run: subprocess.CompletedProcess) -> str:
    path = next(line.split(": ", 1)[1] for line in run.stdout.splitlines() if line.strip().startswith("log ("))
    return Path(path).read_text(encoding="utf-8")


@quick
def test_the_next_weeks_build_takes_up_dbts_saved_parse(built):
    """dbt parses the project once per warehouse: the next build (the same command line, the
    snapshot in the environment) takes up the parse saved in `<warehouse>.dbt`."""
    second = _log_of(built["second"])
    assert "Running with dbt=" in second and "Found 96 models" in second  # dbt's own output is there
    assert "Unable to do partial parsing" not in second
    assert (built["warehouse"].with_name(built["warehouse"].name + ".dbt") / "partial_parse.msgpack").is_file()


@quick
def test_the_docs_site_is_made_again_only_when_project_or_schema_change(built):
    import dagster as dg

    from dagster_project.analysts.docs_site import FINGERPRINT_FILE, default_docs_dir, fingerprint
    from dagster_project.manifest import ensure_manifest

    docs = default_docs_dir(built["warehouse"].parent / "report")
    assert (docs / FINGERPRINT_FILE).read_text().strip() == fingerprint(built["warehouse"], ensure_manifest())
    run_ids = [
        next(
            line.split("dagster run: ", 1)[1].split()[0] for line in run.stdout.splitlines() if "dagster run: " in line
        )
        for run in (built["first"], built["second"])
    ]
    made = []
    with dg.DagsterInstance.from_config(str(built["dagster_home"])) as instance:
        for run_id in run_ids:
            records = instance.get_records_for_run(run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION).records
            made += [
                r.event_log_entry.asset_materialization.metadata["regenerated"].value
                for r in records
                if r.event_log_entry.asset_materialization.asset_key == dg.AssetKey("dbt_docs_site")
            ]
    assert made == [True, False]  # the backfill made it; the week after changed neither project nor schema

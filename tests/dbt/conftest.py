"""A tiny hand-made warehouse and a dbt runner for the dbt tests.

The raw tables are created from the source registry (`contract/zwfw_contract/sources.py`), so
they have exactly the columns ingestion writes: snapshot_date, the registry's columns typed,
_file, _line. The rows are few enough that tables 8 and 9 can be computed by hand (see
test_dbt_build.py).
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from dagster_project import config
from dagster_project.dbt_args import SNAPSHOT_ENV
from zwfw_contract.sources import SOURCES

REPO = Path(__file__).resolve().parents[2]
DBT_DIR = REPO / "dbt"
DBT = str(Path(sys.executable).with_name("dbt"))

SQL_TYPES = {"text": "VARCHAR", "int": "BIGINT", "bool": "BOOLEAN", "date": "DATE", "timestamp": "TIMESTAMP"}

RAW_META_DDL = """
create table raw.rejects (snapshot_date DATE, source VARCHAR, file VARCHAR, line BIGINT,
    column_name VARCHAR, reason VARCHAR, raw_values VARCHAR, loaded_at TIMESTAMP);
create table raw.load_files (snapshot_date DATE, source VARCHAR, file VARCHAR, format VARCHAR,
    encoding VARCHAR, rows_read BIGINT, rows_loaded BIGINT, rows_rejected BIGINT, loaded_at TIMESTAMP);
"""


def create_raw_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create schema if not exists raw")
    for source in SOURCES:
        cols = ", ".join(f"{c.name} {SQL_TYPES[c.type]}" for c in source.columns)
        con.execute(f"create table raw.{source.name} (snapshot_date DATE, {cols}, _file VARCHAR, _line BIGINT)")
    con.execute(RAW_META_DDL)


def insert_rows(con, source: str, snapshot: str, rows: list[dict], file: str | None = None) -> None:
    """Insert `rows` as one delivery of `source`; _file/_line as ingestion would set them."""
    file = file or f"{snapshot}/{source}.csv"
    for line, row in enumerate(rows, start=2):
        cols = ["snapshot_date", *row, "_file", "_line"]
        values = [snapshot, *row.values(), file, line]
        con.execute(f"insert into raw.{source} ({', '.join(cols)}) values ({', '.join('?' * len(cols))})", values)


# --- the tiny province -------------------------------------------------------------------

REGIONS = [
    dict(region_code="410000", region_name="河南省", level="province", parent_code=None, direct_admin=False),
    dict(region_code="410100", region_name="郑州市", level="city", parent_code="410000", direct_admin=False),
    dict(region_code="410102", region_name="中原区", level="county", parent_code="410100", direct_admin=False),
    dict(region_code="410181", region_name="巩义市", level="county", parent_code="410100", direct_admin=True),
    dict(region_code="410200", region_name="开封市", level="city", parent_code="410000", direct_admin=False),
    dict(region_code="410221", region_name="杞县", level="county", parent_code="410200", direct_admin=None),
    dict(region_code="410225", region_name="兰考县", level="county", parent_code="410200", direct_admin=True),
    dict(region_code="419001", region_name="济源示范区", level="city", parent_code="410000", direct_admin=False),
]

DEPARTMENTS = [
    dict(dept_id="P01", dept_name="河南省发展和改革委员会", region_code="410000", uscc=None, is_tax=False),
    dict(dept_id="P02", dept_name="河南省教育厅", region_code="410000", uscc=None, is_tax=False),
    dict(dept_id="D01", dept_name="郑州市市场监督管理局", region_code="410100", uscc=None, is_tax=False),
    dict(dept_id="D02", dept_name="郑州市公安局", region_code="410100", uscc=None, is_tax=False),
    dict(dept_id="D03", dept_name="中原区市场监督管理局", region_code="410102", uscc=None, is_tax=False),
    dict(dept_id="D04", dept_name="巩义市市场监督管理局", region_code="410181", uscc=None, is_tax=False),
    dict(dept_id="D05", dept_name="开封市市场监督管理局", region_code="410200", uscc=None, is_tax=False),
    dict(dept_id="D06", dept_name="杞县市场监督管理局", region_code="410221", uscc=None, is_tax=False),
    dict(dept_id="D07", dept_name="兰考县市场监督管理局", region_code="410225", uscc=None, is_tax=False),
    dict(dept_id="D08", dept_name="济源示范区市场监督管理局", region_code="419001", uscc=None, is_tax=True),
]

# (dept_id, published, unified_acceptance) per item; see test_dbt_build.py for the sums
ITEM_SPECS = [
    ("P01", True, True),
    ("P01", True, False),
    ("D01", True, True),
    ("D01", True, True),
    ("D01", True, False),
    ("D01", False, True),
    ("D02", True, True),
    ("D03", True, True),
    ("D03", True, False),
    ("D04", True, True),
    ("D04", True, True),
    ("D04", True, True),
    ("D05", True, False),
    ("D06", True, True),
    ("D06", True, True),
    ("D06", True, None),
    ("D08", True, True),
    ("D08", True, True),
    ("D08", True, True),
]


def service_items(flip_d05: bool = False) -> list[dict]:
    rows = []
    for i, (dept, published, ua) in enumerate(ITEM_SPECS, start=1):
        if flip_d05 and dept == "D05":
            ua = True
        rows.append(
            dict(
                item_code=f"I{i:03d}",
                item_name=f"事项{i}",
                dept_id=dept,
                item_type="行政许可" if i % 2 else "公共服务",
                published=published,
                handling_type="承诺件",
                zero_visit=True,
                legal_limit_days=20,
                promised_limit_days=10,
                result_spec="证书",
                unified_acceptance=ua,
            )
        )
    return rows


def case(case_id, updated_at, accepted_at="2020-06-01 09:00:00", dept="D01", item="I003"):
    return dict(
        case_id=case_id,
        item_code=item,
        dept_id=dept,
        channel="online",
        accepted_at=accepted_at,
        completed_at=None,
        qc_passed=True,
        applicant_id="a" * 64,
        applicant_name="b" * 64,
        applicant_phone="c" * 64,
        updated_at=updated_at,
    )


def load_snapshot(con, snapshot: str, flip_d05: bool = False) -> None:
    """Every reference source in full for `snapshot`, plus a small delivery of events."""
    insert_rows(con, "regions", snapshot, REGIONS)
    insert_rows(con, "population", snapshot, [dict(region_code="410100", year=2019, resident_population=10352000)])
    insert_rows(con, "departments", snapshot, DEPARTMENTS)
    insert_rows(
        con,
        "e_seals",
        snapshot,
        [dict(seal_id="S1", dept_id="D01", uscc="X", status="active", created_at="2020-01-01 00:00:00")],
    )
    insert_rows(con, "service_items", snapshot, service_items(flip_d05))
    insert_rows(
        con,
        "item_steps",
        snapshot,
        [
            dict(
                item_code="I001",
                step_no=1,
                step_name="受理",
                handler="窗口",
                time_limit_days=1,
                review_criteria="材料齐全",
            )
        ],
    )
    insert_rows(
        con,
        "license_types",
        snapshot,
        [
            dict(
                type_code="L1",
                type_name="营业执照",
                level="province",
                issuer_dept_id="P01",
                issuer_category=None,
                national_standard=True,
            )
        ],
    )
    insert_rows(
        con,
        "license_stats",
        snapshot,
        [dict(type_code="L1", issuer_dept_id="P01", issued_count=5, sealed_count=4, conformant_count=3)],
    )
    insert_rows(
        con,
        "auth_systems",
        snapshot,
        [
            dict(
                system_id="A1",
                system_name="审批系统",
                dept_id="P01",
                url="http://a",
                integration_started=True,
                integrated=False,
            )
        ],
    )
    insert_rows(
        con,
        "branch_hall_items",
        snapshot,
        [dict(region_code="410100", item_code="I003", item_name="事项3", is_query=False, online_at=None)],
    )
    insert_rows(con, "cases", snapshot, [case(f"C-{snapshot}", f"{snapshot} 10:00:00")])
    insert_rows(
        con,
        "evaluations",
        snapshot,
        [
            dict(
                eval_id=f"E-{snapshot}",
                case_id=f"C-{snapshot}",
                item_code="I003",
                dept_id="D01",
                source="active",
                rating=5,
                evaluated_at=f"{snapshot} 11:00:00",
                rectify_due_at=None,
                rectified_at=None,
                evaluator_id=None,
                comment=None,
                updated_at=f"{snapshot} 11:00:00",
            )
        ],
    )
    insert_rows(
        con,
        "tickets",
        snapshot,
        [
            dict(
                ticket_id=f"T-{snapshot}",
                kind="complaint",
                dept_id="D01",
                received_at=f"{snapshot} 08:00:00",
                due_at=f"{snapshot} 18:00:00",
                closed_at=None,
                requester_name=None,
                requester_phone=None,
                updated_at=f"{snapshot} 08:00:00",
            )
        ],
    )


def export_lake(con, lake: Path) -> None:
    """Write the raw tables of `con` as ingestion writes the lake: one partition per source and
    snapshot (rows, rejects, per-file counts), snapshot_date in the path only."""
    tables = [s.name for s in SOURCES]
    snapshots = [
        d
        for (d,) in con.execute(
            " union ".join(f"select distinct snapshot_date from raw.{t}" for t in tables)
        ).fetchall()
    ]
    for table in tables:
        for snapshot in snapshots:
            part = lake / table / f"snapshot_date={snapshot.isoformat()}"
            part.mkdir(parents=True, exist_ok=True)
            for name, relation, extra in (
                ("part-0", table, ""),
                ("rejects", "rejects", f" and source = '{table}'"),
                ("load_files", "load_files", f" and source = '{table}'"),
            ):
                con.execute(
                    f"copy (select * exclude (snapshot_date) from raw.{relation} "
                    f"where snapshot_date = date '{snapshot}'{extra}) to '{part / name}.parquet'"
                )


def make_tiny_warehouse(path: Path) -> Path:
    """Two deliveries, 2020-12-25 and 2021-01-01 (where 开封市's only item joins unified acceptance),
    written as the lake `lake/` beside `path`. Returns the scratch database dbt builds in
    (`<path>.build`, as the pipeline names it); `run_dbt` points dbt at it and at the lake."""
    con = duckdb.connect()
    try:
        create_raw_schema(con)
        load_snapshot(con, "2020-12-25")
        load_snapshot(con, "2021-01-01", flip_d05=True)
        export_lake(con, path.parent / "lake")
    finally:
        con.close()
    return path.with_name(path.name + ".build")


def run_dbt(
    args: list[str], warehouse: Path, work: Path, snapshot: str | dt.date | None = None, check: bool = True
) -> subprocess.CompletedProcess:
    """`dbt <args>` on the project, writing its target and logs under `work`."""
    cmd = [
        DBT,
        *args,
        "--project-dir",
        str(DBT_DIR),
        "--profiles-dir",
        str(DBT_DIR),
        "--target-path",
        str(work / "target"),
        "--log-path",
        str(work / "logs"),
    ]
    assert warehouse.name.endswith(".build"), "dbt builds <ZWFW_WAREHOUSE>.build: pass make_tiny_warehouse's result"
    settings = config.Settings.from_environ(
        {config.LAKE_ENV: str(warehouse.parent / "lake")}, warehouse=Path(str(warehouse)[: -len(".build")])
    )
    env = settings.subprocess_environment()
    env.pop(SNAPSHOT_ENV, None)
    if snapshot is not None:  # as the weekly build passes it: the next build in `work` takes up dbt's saved parse
        env[SNAPSHOT_ENV] = str(snapshot)
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=REPO)
    if check and proc.returncode != 0:
        raise AssertionError(f"dbt {' '.join(args)} exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    return proc


@pytest.fixture(scope="session")
def tiny_warehouse():
    """make_tiny_warehouse(path) -> the scratch database dbt builds, over the tiny province's lake."""
    return make_tiny_warehouse


@pytest.fixture(scope="session")
def dbt():
    """run_dbt(args, warehouse, work, snapshot=None, check=True) -> CompletedProcess."""
    return run_dbt

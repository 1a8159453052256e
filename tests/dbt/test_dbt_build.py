"""`dbt build` on a tiny hand-made warehouse: tables 8 and 9 as computed by hand, history kept.

The tiny province (conftest.py): 郑州市 (410100) with 中原区 and the direct-admin 巩义市,
开封市 (410200) with 杞县 and the direct-admin 兰考县, and 济源示范区 (419001, no county).
Published items (unified acceptance) by unit, snapshot 2020-12-25:

    city_level     郑州市 D01 T T F (+1 unpublished, ignored) + D02 T  -> 4 items, 3 ua
                   开封市 D05 F                                        -> 1 item,  0 ua
                   济源示范区 D08 T T T                                -> 3 items, 3 ua
                   合计                                                -> 8 items, 6 ua = 75.00%
    direct_county  巩义市 D04 T T T -> 3/3;  兰考县 no items -> 0, 0, NULL, '-';  合计 3/3
    city_counties  郑州市 (中原区 D03 T F) -> 2 items, 1 ua; 开封市 (杞县 D06 T T NULL) -> 3 items, 2 ua;
                   合计 5 items, 3 ua = 60.00%  (济源示范区 has no city_counties unit)

On 2021-01-01 开封市's item joins unified acceptance: 开封市 1/1, city_level 合计 7/8 = 87.50%.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil

import duckdb
import pytest

SNAP_1, SNAP_2 = dt.date(2020, 12, 25), dt.date(2021, 1, 1)

# (metric_code, scope, unit_code) -> (unit_name, numerator, denominator, value, value_text)
EXPECTED_2020_12_25 = {
    ("t08_items", "city_level", "410100"): ("郑州市", None, None, 4.0, "4"),
    ("t08_items", "city_level", "410200"): ("开封市", None, None, 1.0, "1"),
    ("t08_items", "city_level", "419001"): ("济源示范区", None, None, 3.0, "3"),
    ("t08_items", "city_level", "TOTAL"): ("合计", None, None, 8.0, "8"),
    ("t08_ua_items", "city_level", "410100"): ("郑州市", None, None, 3.0, "3"),
    ("t08_ua_items", "city_level", "410200"): ("开封市", None, None, 0.0, "0"),
    ("t08_ua_items", "city_level", "419001"): ("济源示范区", None, None, 3.0, "3"),
    ("t08_ua_items", "city_level", "TOTAL"): ("合计", None, None, 6.0, "6"),
    ("t08_ua_coverage", "city_level", "410100"): ("郑州市", 3.0, 4.0, 0.75, "75.00%"),
    ("t08_ua_coverage", "city_level", "410200"): ("开封市", 0.0, 1.0, 0.0, "0.00%"),
    ("t08_ua_coverage", "city_level", "419001"): ("济源示范区", 3.0, 3.0, 1.0, "100.00%"),
    ("t08_ua_coverage", "city_level", "TOTAL"): ("合计", 6.0, 8.0, 0.75, "75.00%"),
    ("t08_items", "direct_county", "410181"): ("巩义市", None, None, 3.0, "3"),
    ("t08_items", "direct_county", "410225"): ("兰考县", None, None, 0.0, "0"),
    ("t08_items", "direct_county", "TOTAL"): ("合计", None, None, 3.0, "3"),
    ("t08_ua_items", "direct_county", "410181"): ("巩义市", None, None, 3.0, "3"),
    ("t08_ua_items", "direct_county", "410225"): ("兰考县", None, None, 0.0, "0"),
    ("t08_ua_items", "direct_county", "TOTAL"): ("合计", None, None, 3.0, "3"),
    ("t08_ua_coverage", "direct_county", "410181"): ("巩义市", 3.0, 3.0, 1.0, "100.00%"),
    ("t08_ua_coverage", "direct_county", "410225"): ("兰考县", 0.0, 0.0, None, "-"),
    ("t08_ua_coverage", "direct_county", "TOTAL"): ("合计", 3.0, 3.0, 1.0, "100.00%"),
    ("t09_items", "city_counties", "410100"): ("郑州市", None, None, 2.0, "2"),
    ("t09_items", "city_counties", "410200"): ("开封市", None, None, 3.0, "3"),
    ("t09_items", "city_counties", "TOTAL"): ("合计", None, None, 5.0, "5"),
    ("t09_ua_items", "city_counties", "410100"): ("郑州市", None, None, 1.0, "1"),
    ("t09_ua_items", "city_counties", "410200"): ("开封市", None, None, 2.0, "2"),
    ("t09_ua_items", "city_counties", "TOTAL"): ("合计", None, None, 3.0, "3"),
    ("t09_ua_coverage", "city_counties", "410100"): ("郑州市", 1.0, 2.0, 0.5, "50.00%"),
    ("t09_ua_coverage", "city_counties", "410200"): ("开封市", 2.0, 3.0, 2 / 3, "66.67%"),
    ("t09_ua_coverage", "city_counties", "TOTAL"): ("合计", 3.0, 5.0, 0.6, "60.00%"),
}


def _q(warehouse, sql: str, params=None) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def _metrics(warehouse, snapshot: dt.date) -> dict:
    rows = _q(
        warehouse,
        """select metric_code, scope, unit_code, unit_name, numerator, denominator, value,
                                   value_text, table_no
                            from marts.fct_metrics where snapshot_date = ? and table_no in (8, 9)""",
        [snapshot],
    )
    return {(r[0], r[1], r[2]): r[3:8] for r in rows}, {r[0]: r[8] for r in rows}


@pytest.fixture(scope="module")
def built(tmp_path_factory, tiny_warehouse, dbt):
    """Snapshot 2020-12-25, then 2021-01-01, then 2020-12-25 again, into one warehouse."""
    work = tmp_path_factory.mktemp("dbt_build")
    warehouse = tiny_warehouse(work / "warehouse.duckdb")
    weekly = ["build", "--exclude-resource-type", "unit_test"]  # the unit tests test SQL, not data: once is enough
    runs = [dbt(weekly, warehouse, work, snapshot=SNAP_1)]
    first = _metrics(warehouse, SNAP_1)
    runs.append(dbt(weekly, warehouse, work, snapshot=SNAP_2))
    runs.append(dbt(["build"], warehouse, work, snapshot=SNAP_1))
    return {"warehouse": warehouse, "work": work, "runs": runs, "first": first}


@pytest.mark.e2e
@pytest.mark.quick  # the tiny warehouse's builds, shared: the inner loop's dbt tier
def test_build_runs_every_model_unit_test_and_data_test(built):
    for run in built["runs"]:
        assert run.returncode == 0
        assert "ERROR=0" in run.stdout and "WARN=0" in run.stdout
    results = json.loads((built["work"] / "target" / "run_results.json").read_text())["results"]
    kinds = {r["unique_id"].split(".")[0] for r in results}
    assert {"model", "test", "unit_test"} <= kinds
    assert all(r["status"] in ("success", "pass") for r in results)


@pytest.mark.e2e
@pytest.mark.quick  # the tiny warehouse's builds, shared: the inner loop's dbt tier
def test_tables_8_and_9_as_computed_by_hand(built):
    metrics, table_no = built["first"]
    assert set(metrics) == set(EXPECTED_2020_12_25)
    for key, (name, num, den, value, text) in EXPECTED_2020_12_25.items():
        got = metrics[key]
        assert got[0] == name and got[1] == num and got[2] == den and got[4] == text, key
        assert (got[3] is None) if value is None else got[3] == pytest.approx(value), key
    assert {code: table_no[code] for code in table_no} == {
        **{f"t08_{m}": 8 for m in ("items", "ua_items", "ua_coverage")},
        **{f"t09_{m}": 9 for m in ("items", "ua_items", "ua_coverage")},
    }


@pytest.mark.e2e
@pytest.mark.quick  # the tiny warehouse's builds, shared: the inner loop's dbt tier
def test_marts_print_units_by_ua_items_then_region_code_total_last(built):
    rows = _q(
        built["warehouse"],
        """
        select scope, print_order, unit_name, items, ua_items, ua_coverage_text
        from marts.fct_t08_unified_acceptance where snapshot_date = ? order by scope, print_order""",
        [SNAP_1],
    )
    assert rows == [
        ("city_level", 1, "郑州市", 4, 3, "75.00%"),  # ties with 济源示范区 on 3: region code first
        ("city_level", 2, "济源示范区", 3, 3, "100.00%"),
        ("city_level", 3, "开封市", 1, 0, "0.00%"),
        ("city_level", 4, "合计", 8, 6, "75.00%"),
        ("direct_county", 1, "巩义市", 3, 3, "100.00%"),
        ("direct_county", 2, "兰考县", 0, 0, "-"),
        ("direct_county", 3, "合计", 3, 3, "100.00%"),
    ]
    t09 = _q(
        built["warehouse"],
        """
        select print_order, unit_code, unit_name from marts.fct_t09_unified_acceptance
        where snapshot_date = ? order by print_order""",
        [SNAP_1],
    )
    assert t09 == [(1, "410200", "开封市"), (2, "410100", "郑州市"), (3, "TOTAL", "合计")]


@pytest.mark.e2e
@pytest.mark.quick  # the tiny warehouse's builds, shared: the inner loop's dbt tier
def test_history_accumulates_and_rerunning_a_snapshot_replaces_it(built):
    per_snapshot = _q(
        built["warehouse"],
        "select snapshot_date, count(*) from marts.fct_metrics where table_no in (8, 9) group by 1 order by 1",
    )
    assert per_snapshot == [(SNAP_1, 30), (SNAP_2, 30)]
    # the re-run of 2020-12-25 (after 2021-01-01 was delivered) gives exactly the first result
    assert _metrics(built["warehouse"], SNAP_1) == built["first"]
    second, _ = _metrics(built["warehouse"], SNAP_2)
    assert second[("t08_ua_coverage", "city_level", "410200")][1:] == (1.0, 1.0, 1.0, "100.00%")
    assert second[("t08_ua_coverage", "city_level", "TOTAL")][1:] == (7.0, 8.0, 0.875, "87.50%")
    marts = _q(
        built["warehouse"],
        """select snapshot_date, count(*) from marts.fct_t08_unified_acceptance
                                      group by 1 order by 1""",
    )
    assert marts == [(SNAP_1, 7), (SNAP_2, 7)]


@pytest.mark.e2e
@pytest.mark.quick  # the tiny warehouse's builds, shared: the inner loop's dbt tier
def test_fct_metrics_tests_catch_a_wrong_total_and_a_share_above_one(built, tmp_path):
    """合计 = Σ units and shares ≤ 1 live in fct_metrics' own dbt tests, not in the GX suites
    (expectations/README.md). Their compiled queries, as the build ran them, return no row on
    the clean build and exactly the corrupted row on a copy: a 合计 count 5 above its units'
    sum, a 合计 share of 1.25 (its parts untouched, so only the bound breaks)."""
    results = json.loads((built["work"] / "target" / "run_results.json").read_text())["results"]
    compiled = {
        name: next(r["compiled_code"] for r in results if r["unique_id"].startswith(f"test.zwfw.{name}"))
        for name in ("totals_add_up_fct_metrics", "fct_metrics_shares_within_bounds")
    }
    copy = tmp_path / built["warehouse"].name  # the same file name, so the same catalog name
    shutil.copy(built["warehouse"], copy)

    def failing(name: str) -> list[tuple]:
        return _q(copy, f"select metric_code, scope, value from ({compiled[name]})")

    assert failing("totals_add_up_fct_metrics") == [] and failing("fct_metrics_shares_within_bounds") == []
    con = duckdb.connect(str(copy))
    try:
        where = "snapshot_date = ? and scope = 'city_level' and unit_code = 'TOTAL' and metric_code = ?"
        con.execute(f"update marts.fct_metrics set value = value + 5 where {where}", [SNAP_1, "t08_items"])
        con.execute(f"update marts.fct_metrics set value = 1.25 where {where}", [SNAP_1, "t08_ua_coverage"])
    finally:
        con.close()
    assert failing("totals_add_up_fct_metrics") == [("t08_items", "city_level", 13.0)]
    assert failing("fct_metrics_shares_within_bounds") == [("t08_ua_coverage", "city_level", 1.25)]


@pytest.mark.e2e
@pytest.mark.quick  # the tiny warehouse's builds, shared: the inner loop's dbt tier
def test_fct_metrics_has_exactly_the_contract_columns(built):
    columns = _q(
        built["warehouse"],
        """select column_name, data_type from information_schema.columns
                                        where table_schema = 'marts' and table_name = 'fct_metrics'
                                        order by ordinal_position""",
    )
    assert columns == [
        ("snapshot_date", "DATE"),
        ("table_no", "INTEGER"),
        ("metric_code", "VARCHAR"),
        ("scope", "VARCHAR"),
        ("unit_code", "VARCHAR"),
        ("unit_name", "VARCHAR"),
        ("numerator", "DOUBLE"),
        ("denominator", "DOUBLE"),
        ("value", "DOUBLE"),
        ("value_text", "VARCHAR"),
    ]


@pytest.mark.e2e
@pytest.mark.quick  # the tiny warehouse's builds, shared: the inner loop's dbt tier
def test_schemas_are_the_layer_names(built):
    schemas = {r[0] for r in _q(built["warehouse"], "select distinct table_schema from information_schema.tables")}
    assert {"raw", "staging", "intermediate", "marts"} <= schemas
    assert not any(s.startswith("main_") for s in schemas)


def test_build_without_snapshot_var_fails_clearly(tmp_path, tiny_warehouse, dbt):
    warehouse = tiny_warehouse(tmp_path / "warehouse.duckdb")
    proc = dbt(["build", "--select", "stg_regions"], warehouse, tmp_path, check=False)
    assert proc.returncode != 0
    assert "var `snapshot_date` is required" in proc.stdout


def test_parse_builds_the_manifest_without_a_warehouse_or_snapshot(tmp_path, dbt):
    """dagster-dbt loads target/manifest.json; `dbt parse` must not need the var nor the file."""
    dbt(["parse"], tmp_path / "absent.duckdb.build", tmp_path)
    manifest = json.loads((tmp_path / "target" / "manifest.json").read_text())
    models = {n["name"]: n for n in manifest["nodes"].values() if n["resource_type"] == "model"}
    staging = {name for name, n in models.items() if n["schema"] == "staging"}
    assert len(staging) == 13 and all(name.startswith("stg_") for name in staging)
    assert models["fct_metrics"]["schema"] == "marts"
    assert models["fct_metrics"]["config"]["materialized"] == "incremental"
    assert models["fct_metrics"]["config"]["unique_key"] == "snapshot_date"
    assert {n["schema"] for name, n in models.items() if name.startswith("int_")} == {"intermediate"}
    sources = {s["name"] for s in manifest["sources"].values()}
    assert {"cases", "rejects", "load_files"} <= sources and len(sources) == 15
    assert any(n["resource_type"] == "unit_test" for n in manifest["unit_tests"].values())


@pytest.mark.e2e
@pytest.mark.quick  # the tiny warehouse's builds, shared: the inner loop's dbt tier
def test_worklist_lists_the_items_behind_tables_8_and_9_and_its_size_rule_ran(built):
    rows = _q(
        built["warehouse"],
        """
        select metric_code, scope, unit_code, record_kind, dept_id, reason, first_seen
        from marts.fct_worklist where snapshot_date = ? and table_no in (8, 9)
        order by all""",
        [SNAP_1],
    )
    # the items not connected to unified acceptance (docstring): a NULL flag is not connected
    assert rows == [
        ("t08_ua_coverage", "city_level", "410100", "item", "D01", "未接入统一受理", SNAP_1),
        ("t08_ua_coverage", "city_level", "410200", "item", "D05", "未接入统一受理", SNAP_1),
        ("t09_ua_coverage", "city_counties", "410100", "item", "D03", "未接入统一受理", SNAP_1),
        ("t09_ua_coverage", "city_counties", "410200", "item", "D06", "未接入统一受理", SNAP_1),
    ]
    # 2021-01-01: 开封市's item joined unified acceptance and left the list
    second = _q(
        built["warehouse"],
        """select unit_code from marts.fct_worklist
                                       where snapshot_date = ? and metric_code = 't08_ua_coverage'""",
        [SNAP_2],
    )
    assert second == [("410100",)]
    results = json.loads((built["work"] / "target" / "run_results.json").read_text())["results"]
    size_rule = [r for r in results if "worklist_size_rule" in r["unique_id"]]
    assert len(size_rule) == 1 and size_rule[0]["status"] == "pass"


def test_one_rules_test_fails_on_each_broken_rule_and_names_it(tmp_path, tiny_warehouse, dbt):
    """A model's many rules run as one dbt test (`rules`, dbt/tests/generic/rules.sql): it fails
    when any one of them breaks, and its rows name each broken rule in the words of the Dagster
    check's description (`rule_texts`), with how many rows break it."""
    from dagster_project.assets.dbt import broken_rules, rule_texts

    warehouse = tiny_warehouse(tmp_path / "warehouse.duckdb")
    part = warehouse.parent / "lake" / "regions" / "snapshot_date=2020-12-25" / "part-0.parquet"
    con = duckdb.connect()
    try:  # a second 郑州市, a region without a name, a village: three rules of stg_regions broken
        con.execute(f"""copy (select * from read_parquet('{part}') union all by name
                              select * from (values ('410100', '郑州市(重复)', 'city', 90),
                                                    ('410300', null, 'city', 91),
                                                    ('410399', '某村', 'village', 92))
                                         as bad(region_code, region_name, level, _line))
                        to '{part}.new' (format parquet)""")
    finally:
        con.close()
    part.with_name(part.name + ".new").replace(part)
    only_regions = ["build", "--select", "stg_regions", "--indirect-selection", "cautious"]
    proc = dbt(only_regions, warehouse, tmp_path, snapshot=SNAP_1, check=False)
    assert proc.returncode != 0 and "rules_stg_regions" in proc.stdout
    results = json.loads((tmp_path / "target" / "run_results.json").read_text())["results"]
    (test,) = [r for r in results if r["unique_id"].startswith("test.zwfw.rules_stg_regions")]
    assert test["status"] == "fail" and test["failures"] == 3
    manifest = json.loads((tmp_path / "target" / "manifest.json").read_text())
    words = rule_texts(manifest["nodes"][test["unique_id"]]["test_metadata"]["kwargs"])
    assert sorted(broken_rules(warehouse, test["compiled_code"])) == [
        ("level is one of 'province', 'city', 'county'", 1),
        ("region_code is unique", 1),
        ("region_name is never null", 1),
    ]
    assert {rule for rule, _ in broken_rules(warehouse, test["compiled_code"])} <= set(words)
    # the same rules, unbroken, pass (2021-01-01 has no bad row)
    proc = dbt(only_regions, warehouse, tmp_path, snapshot=SNAP_2)
    assert proc.returncode == 0

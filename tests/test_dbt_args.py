import datetime as dt
import json

from dagster_project.dbt_args import (
    SNAPSHOT_ENV,
    dbt_build_args,
    dbt_docs_args,
    dbt_drop_build_schemas_args,
    dbt_import_marts_args,
    dbt_parse_args,
    dbt_vars,
    snapshot_env,
    weekly_build_args,
)


def test_vars_carry_the_snapshot_as_iso_date():
    assert dbt_vars(dt.date(2020, 12, 25)) == {"snapshot_date": "2020-12-25"}


def test_build_args_pass_vars_as_json_and_optional_selection():
    args = dbt_build_args(dt.date(2020, 12, 25))
    assert args[0] == "build"
    assert json.loads(args[args.index("--vars") + 1]) == {"snapshot_date": "2020-12-25"}
    assert "--select" not in args
    selected = dbt_build_args(dt.date(2021, 1, 1), select="marts")
    assert selected[selected.index("--select") + 1] == "marts"


def test_weekly_build_leaves_unit_tests_to_the_test_suite():
    weekly = dbt_build_args(dt.date(2020, 12, 25))
    assert weekly[weekly.index("--exclude-resource-type") + 1] == "unit_test"
    assert "--exclude-resource-type" not in dbt_build_args(dt.date(2020, 12, 25), unit_tests=True)


def test_parse_args_are_the_weekly_builds_so_its_parse_is_reused():
    # dbt reuses a saved parse only when the command line's vars and target are the same
    assert dbt_parse_args() == ["parse", "--target", "duckdb"]
    assert "--vars" not in weekly_build_args()
    assert weekly_build_args()[weekly_build_args().index("--exclude-resource-type") + 1] == "unit_test"
    assert snapshot_env(dt.date(2020, 12, 25)) == {SNAPSHOT_ENV: "2020-12-25"}


def test_docs_args_write_one_offline_page_without_compiling():
    args = dbt_docs_args(dt.date(2020, 12, 25), "/tmp/t")
    assert args[:2] == ["docs", "generate"]
    assert "--static" in args and "--no-compile" in args  # the published file has no intermediate tables
    assert args[args.index("--target-path") + 1] == "/tmp/t"
    assert json.loads(args[args.index("--vars") + 1]) == {"snapshot_date": "2020-12-25"}


def test_spark_builds_are_told_the_published_snapshots_sorted():
    args = dbt_build_args(dt.date(2020, 12, 25), lake_snapshots=[dt.date(2020, 12, 18), dt.date(2020, 12, 4)])
    assert json.loads(args[args.index("--vars") + 1]) == {
        "snapshot_date": "2020-12-25",
        "lake_snapshots": ["2020-12-04", "2020-12-18"],
    }
    first = dbt_build_args(dt.date(2020, 12, 4), lake_snapshots=[])  # nothing published yet: an empty list
    assert json.loads(first[first.index("--vars") + 1])["lake_snapshots"] == []


def test_import_marts_args_name_the_folder_and_the_snapshot():
    args = dbt_import_marts_args(dt.date(2020, 12, 25), "/s/marts it's")
    assert args[:2] == ["run-operation", "import_marts"]
    assert json.loads(args[args.index("--args") + 1]) == {"marts": "/s/marts it's"}
    assert json.loads(args[args.index("--vars") + 1]) == {"snapshot_date": "2020-12-25"}


def test_a_build_on_a_spark_server_first_drops_what_the_last_left():
    args = dbt_drop_build_schemas_args(dt.date(2020, 12, 25))
    assert args[:2] == ["run-operation", "drop_build_schemas"]
    assert json.loads(args[args.index("--vars") + 1]) == {"snapshot_date": "2020-12-25"}

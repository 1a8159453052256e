"""Every asset check says what it asserts: the dbt tests (`dbt_test_description`) and GX checks."""

from __future__ import annotations

import json
from collections import defaultdict

import pytest
from dagster_dbt.asset_utils import DAGSTER_DBT_UNIQUE_ID_METADATA_KEY

from dagster_project.assets.dbt import dbt_test_description


def _generic(
    name: str,
    model: str = "fct_t08_unified_acceptance",
    where: str | None = None,
    namespace: str | None = None,
    **kwargs,
) -> dict:
    """A dbt 1.11 manifest test node, as much of one as the description reads."""
    column = kwargs.get("column_name")
    return {
        "resource_type": "test",
        "unique_id": f"test.zwfw.{name}_{model}.0123456789",
        "name": f"{name}_{model}",
        "description": "",
        "column_name": column,
        "attached_node": f"model.zwfw.{model}",
        "meta": {},
        "config": {"severity": "ERROR", "where": where, "meta": {}},
        "test_metadata": {
            "name": name,
            "namespace": namespace,
            "kwargs": {**kwargs, "model": f"{{{{ get_where_subquery(ref('{model}')) }}}}"},
        },
    }


# -- the sentence, one generic test kind at a time -------------------------------------------------


def test_unique():
    node = _generic("unique", column_name="unit_code")
    assert dbt_test_description(node) == "unit_code is unique in fct_t08_unified_acceptance."


def test_not_null():
    node = _generic("not_null", model="stg_cases", column_name="case_id")
    assert dbt_test_description(node) == "case_id is never null in stg_cases."


def test_accepted_values_lists_the_values():
    node = _generic("accepted_values", model="stg_regions", column_name="level", values=["province", "city", "county"])
    assert dbt_test_description(node) == ("level in stg_regions is one of 'province', 'city', 'county'.")


def test_relationships_names_the_target_field_and_model():
    node = _generic(
        "relationships",
        model="stg_departments",
        column_name="region_code",
        to="ref('stg_regions')",
        field="region_code",
    )
    assert dbt_test_description(node) == (
        "Every non-null region_code in stg_departments exists as region_code in stg_regions."
    )


def test_relationships_to_a_source():
    node = _generic(
        "relationships", model="stg_cases", column_name="dept_id", to="source('raw', 'departments')", field="dept_id"
    )
    assert "exists as dept_id in raw.departments" in dbt_test_description(node)


def test_between_gives_the_bounds():
    node = _generic("between", model="int_unified_acceptance", column_name="ua_coverage", min_value=0, max_value=1)
    assert dbt_test_description(node) == (
        "ua_coverage in int_unified_acceptance lies between 0 and 1 inclusive (NULL passes)."
    )


def test_numerator_le_denominator():
    node = _generic(
        "numerator_le_denominator",
        model="int_tickets_by_unit",
        numerator="consult_on_time_numerator",
        denominator="consult_on_time_denominator",
    )
    assert dbt_test_description(node) == (
        "consult_on_time_numerator never exceeds consult_on_time_denominator in "
        "int_tickets_by_unit (rows where either is NULL pass)."
    )


def test_totals_add_up_with_default_and_given_unit_column():
    node = _generic(
        "totals_add_up", model="fct_metrics", group_by=["snapshot_date", "table_no", "metric_code", "scope"]
    )
    assert dbt_test_description(node) == (
        "In fct_metrics, per (snapshot_date, table_no, metric_code, scope) the 合计 row "
        "(unit_code = 'TOTAL') is the sum over the units: its numerator and denominator, "
        "or for counts its value."
    )
    node = _generic("totals_add_up", model="fct_x", group_by=["scope"], unit_column="dept_id", total="ALL")
    assert "(dept_id = 'ALL')" in dbt_test_description(node)


def test_unique_combination():
    node = _generic("unique_combination", model="int_unit_departments", combination=["scope", "unit_code", "dept_id"])
    assert dbt_test_description(node) == (
        "No two rows of int_unit_departments share the same (scope, unit_code, dept_id)."
    )


def test_where_filter_is_part_of_the_sentence():
    node = _generic(
        "relationships",
        model="int_unified_acceptance",
        column_name="unit_code",
        to="ref('int_units')",
        field="unit_code",
        where="not is_total",
    )
    assert dbt_test_description(node) == (
        "Every non-null unit_code in int_unified_acceptance exists as unit_code in int_units, "
        "among rows where not is_total."
    )


def test_unknown_generic_test_names_itself_and_its_arguments():
    node = _generic("expression_is_true", model="fct_metrics", namespace="dbt_utils", expression="value >= 0")
    assert dbt_test_description(node) == (
        "fct_metrics passes the dbt_utils.expression_is_true test (expression='value >= 0')."
    )


def test_singular_test():
    node = {
        "resource_type": "test",
        "name": "assert_no_orphans",
        "description": "",
        "attached_node": "model.zwfw.fct_metrics",
        "config": {},
        "test_metadata": None,
        "original_file_path": "tests/assert_no_orphans.sql",
    }
    assert dbt_test_description(node) == (
        "The singular test tests/assert_no_orphans.sql on fct_metrics returns no rows."
    )


def test_tested_model_read_from_the_model_argument_without_attached_node():
    node = _generic("not_null", column_name="case_id")
    node["attached_node"] = None
    node["test_metadata"]["kwargs"]["model"] = "{{ get_where_subquery(source('raw', 'cases')) }}"
    assert dbt_test_description(node) == "case_id is never null in raw.cases."


def test_yaml_description_wins():
    node = _generic(
        "unique_combination", model="int_unit_departments", combination=["scope", "dept_id"], where="scope <> 'x'"
    )
    node["description"] = "Units of one scope are disjoint,\n  so a 合计 never counts a department twice."
    assert dbt_test_description(node) == ("Units of one scope are disjoint, so a 合计 never counts a department twice.")


def test_description_under_config_or_meta_is_used_and_blank_ones_are_not():
    node = _generic("unique", column_name="unit_code")
    node["config"]["description"] = "From config."
    assert dbt_test_description(node) == "From config."
    node = _generic("unique", column_name="unit_code")
    node["meta"] = {"description": "From meta."}
    assert dbt_test_description(node) == "From meta."
    node = _generic("unique", column_name="unit_code")
    node["description"] = "   "
    assert dbt_test_description(node) == "unit_code is unique in fct_t08_unified_acceptance."


# -- every asset check of the project --------------------------------------------------------------


@pytest.fixture(scope="module")
def defs(dbt_manifest):
    from dagster_project import config
    from dagster_project.definitions import build_definitions

    return build_definitions(config.Settings.from_environ())


@pytest.fixture(scope="module")
def check_specs(defs):
    graph = defs.resolve_asset_graph()
    return [graph.get_check_spec(key) for key in graph.asset_check_keys]


@pytest.fixture(scope="module")
def manifest():
    from dagster_project.assets.dbt import dbt_project

    return json.loads(dbt_project.manifest_path.read_text())


def _dbt_unique_id(spec) -> str | None:
    value = spec.metadata.get(DAGSTER_DBT_UNIQUE_ID_METADATA_KEY)
    return getattr(value, "value", value)


def test_every_asset_check_has_a_description(check_specs):
    assert check_specs
    missing = [spec.key.to_user_string() for spec in check_specs if not (spec.description and spec.description.strip())]
    assert not missing


def test_gx_checks_are_among_them_with_their_own_descriptions(check_specs):
    gx = [spec for spec in check_specs if spec.name.startswith("gx_")]
    assert gx
    assert all(spec.description and _dbt_unique_id(spec) is None for spec in gx)


def test_every_dbt_test_is_a_check_described_by_its_test_node(check_specs, manifest):
    dbt_specs = {_dbt_unique_id(s): s for s in check_specs if _dbt_unique_id(s)}
    tests = {uid for uid, node in manifest["nodes"].items() if node["resource_type"] == "test"}
    assert set(dbt_specs) == tests
    for uid, spec in dbt_specs.items():
        assert spec.description == dbt_test_description(manifest["nodes"][uid])
    # the tests with a YAML description keep it
    declared = {uid for uid in tests if manifest["nodes"][uid].get("description")}
    assert declared
    for uid in declared:
        assert dbt_specs[uid].description == " ".join(manifest["nodes"][uid]["description"].split())


def _what_it_tests(node) -> str:
    """Two test nodes are the same test when they run the same generic test with the same
    arguments under the same filter on the same model."""
    metadata = node.get("test_metadata") or {}
    return json.dumps(
        [
            node.get("attached_node"),
            metadata.get("namespace"),
            metadata.get("name"),
            metadata.get("kwargs"),
            (node.get("config") or {}).get("where"),
            None if metadata else node.get("raw_code"),
        ],
        sort_keys=True,
        default=str,
    )


def test_no_two_dbt_checks_of_an_asset_share_a_description(check_specs, manifest):
    by_description = defaultdict(set)
    for spec in check_specs:
        uid = _dbt_unique_id(spec)
        if uid:
            by_description[(spec.asset_key, spec.description)].add(_what_it_tests(manifest["nodes"][uid]))
    shared = {key: tests for key, tests in by_description.items() if len(tests) > 1}
    assert not shared

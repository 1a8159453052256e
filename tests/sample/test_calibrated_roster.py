"""The calibrated roster matches the printed bulletin's rosters (read from the printed tables)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from zwfw_contract.sources import SOURCES_BY_NAME
from zwfw_sample.calibrated.roster import REQUIRED_LOCAL_KINDS, build_roster
from zwfw_sample.uscc import is_valid_uscc

PRINTED = Path(__file__).parents[1] / "fixtures" / "bulletin-2020-12-25"


def rows(stem: str) -> list[dict[str, str]]:
    with (PRINTED / f"{stem}.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def units(stem: str) -> list[dict[str, str]]:
    return [r for r in rows(stem) if list(r.values())[1] not in ("合计", "总计")]


@pytest.fixture(scope="module")
def roster():
    return build_roster()


def test_columns_follow_the_registry(roster):
    assert tuple(roster.departments.column_names) == SOURCES_BY_NAME["departments"].column_names
    assert tuple(roster.regions.column_names) == SOURCES_BY_NAME["regions"].column_names


def test_t07_department_counts_per_city_area(roster):
    for r in units("t07"):
        code = roster.region_by_name(r["省辖市"])
        members = roster.unit_depts("city_area", code)
        assert sum(not d.is_tax for d in members) == int(r["部门数量"]), r["省辖市"]
    total = next(r for r in rows("t07") if r["省辖市"] == "合计")
    non_tax_local = [d for d in roster.depts if d.level != "province" and not d.is_tax]
    assert len(non_tax_local) == int(total["部门数量"])


def test_province_departments_in_table1_order(roster):
    t01 = [r["省直部门"] for r in units("t01")]
    province = roster.province_depts
    assert [d.dept_name for d in province[: len(t01)]] == t01
    assert all(d.item_eligible for d in province[: len(t01)])
    ids = [d.dept_id for d in province]
    assert ids == sorted(ids)
    # Everything printed only elsewhere comes after table 1 and never gets items.
    assert all(not d.item_eligible for d in province[len(t01) :])
    assert {d.dept_name for d in province[len(t01) :]} >= {
        "河南省侨办",
        "河南省粮食局",
        "河南省电影局",
        "河南省广播电视台",
    }


def test_printed_units_resolve(roster):
    for stem, col in (
        ("t04", "颁证单位"),
        ("t10", "省直部门"),
        ("t12", "省直部门"),
        ("t14", "省直部门"),
        ("t16", "省直部门"),
        ("t05", "责任部门"),
    ):
        for r in units(stem):
            assert roster.dept_by_name(r[col]).level == "province", (stem, r[col])
    for r in rows("t13"):
        assert roster.region_by_name(r["所属地区"]) in roster.direct_codes
    for stem in ("t03", "t08b", "t11b", "t15b", "t17b"):
        for r in units(stem):
            assert roster.region_by_name(list(r.values())[1]) in roster.direct_codes, (stem, r)


def test_every_local_unit_has_the_functional_kinds(roster):
    for code in roster.city_codes:
        city_level = {d.kind for d in roster.unit_depts("city_level", code)}
        assert set(REQUIRED_LOCAL_KINDS) | {"tax"} <= city_level, code
    regions = roster.regions.to_pylist()
    for reg in regions:
        if reg["level"] == "county":
            kinds = {d.kind for d in roster.depts if d.region_code == reg["region_code"]}
            assert set(REQUIRED_LOCAL_KINDS) | {"tax"} <= kinds, reg["region_name"]


def test_names_and_usccs_unique_and_valid(roster):
    names = roster.departments.column("dept_name").to_pylist()
    usccs = roster.departments.column("uscc").to_pylist()
    assert len(set(names)) == len(names)
    assert len(set(usccs)) == len(usccs)
    assert all(is_valid_uscc(u) for u in usccs)
    assert roster.departments.column("dept_id").to_pylist() == [d.dept_id for d in roster.depts]


def test_scopes(roster):
    zz = roster.region_by_name("郑州市")
    gy = roster.region_by_name("巩义市")
    total = {d.dept_id for d in roster.unit_depts("city_total", zz)}
    area = {d.dept_id for d in roster.unit_depts("city_area", zz)}
    direct = {d.dept_id for d in roster.unit_depts("direct_county", gy)}
    assert area == total | direct and not total & direct
    assert roster.unit_depts("city_counties", roster.region_by_name("济源示范区")) == ()


def test_deterministic():
    from zwfw_sample.calibrated import roster as mod

    a = mod.build_roster()
    mod.build_roster.cache_clear()
    b = mod.build_roster()
    assert a.departments.equals(b.departments)


def test_units_have_enough_departments_for_table15_coverage(roster):
    from zwfw_sample.calibrated.fractions import numerator_for

    for stem, scope in (("t15a", "city_total"), ("t15b", "direct_county")):
        for r in units(stem):
            name = list(r.values())[1]
            text = r["主动评价覆盖部门率"]
            fewest = next(d for d in range(1, 10_000) if numerator_for(text, d) is not None)
            assert len(roster.unit_depts(scope, roster.region_by_name(name))) >= fewest, (stem, name, text)

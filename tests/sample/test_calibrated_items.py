"""The calibrated item library reproduces the printed item figures of tables 1–3, 8–11, 14, 15.

The figures are recomputed here from the generated tables with DuckDB SQL written from CONTRACT §3–5
(not from the construction code), and compared with the printed CSV text. A printed cell listed in
`ITEM_EXCEPTIONS` must come out exactly as the exception says it does.
"""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from zwfw_contract.sources import ITEM_TYPES, SOURCES_BY_NAME
from zwfw_sample.calibrated.fractions import prints_as, render

PRINTED = Path(__file__).resolve().parents[1] / "fixtures" / "bulletin-2020-12-25"
TOTAL = ("合计", "总计")


def printed(stem: str) -> list[dict[str, str]]:
    with (PRINTED / f"{stem}.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def unit_name(row: dict[str, str]) -> str:
    return list(row.values())[1]


def as_printed(n: int, d: int) -> str:
    v = render(n, d, "pct2")
    return "-" if v is None else f"{float(v * 100):.2f}%"


@pytest.fixture(scope="module")
def built():
    from zwfw_sample.calibrated.items import ITEM_EXCEPTIONS, build_items
    from zwfw_sample.calibrated.roster import build_roster

    roster = build_roster()
    items = build_items(roster)
    exceptions = {(e["table"], e["unit"], e["column"]): e for e in ITEM_EXCEPTIONS}
    return roster, items, exceptions


@pytest.fixture(scope="module")
def db(built):
    roster, items, _ = built
    con = duckdb.connect()
    for name, table in (
        ("service_items", items.service_items),
        ("item_steps", items.item_steps),
        ("plan", items.plan),
        ("departments", roster.departments),
        ("regions", roster.regions),
    ):
        con.register(f"arrow_{name}", table)
        con.execute(f"create table {name} as select * from arrow_{name}")
    con.execute("""
        -- reporting units of CONTRACT §4, one row per (scope, unit_code, dept_id)
        create table unit_members as
        with d as (
            select dep.dept_id, dep.region_code, r.level, r.parent_code, coalesce(r.direct_admin, false) as direct
            from departments dep join regions r using (region_code)
        )
        select 'province_dept' as scope, dept_id as unit_code, dept_id from d where level = 'province'
        union all select 'city_level', region_code, dept_id from d where level = 'city'
        union all select 'city_counties', parent_code, dept_id from d where level = 'county' and not direct
        union all select 'city_total', region_code, dept_id from d where level = 'city'
        union all select 'city_total', parent_code, dept_id from d where level = 'county' and not direct
        union all select 'direct_county', region_code, dept_id from d where level = 'county' and direct
    """)
    con.execute("""
        -- published items with the flags needed by the tables; process completeness per CONTRACT §3
        create table items as
        with steps as (
            select item_code, count(*) as n_steps,
                   bool_and(coalesce(trim(step_name), '') <> '' and coalesce(trim(handler), '') <> ''
                            and coalesce(trim(review_criteria), '') <> ''
                            and coalesce(time_limit_days >= 0, false)) as steps_ok,
                   sum(time_limit_days) as step_days
            from item_steps group by item_code
        )
        select i.*, i.item_type = '行政许可' as is_license,
               coalesce(s.n_steps >= 1 and s.steps_ok
                        and (i.promised_limit_days is null or s.step_days <= i.promised_limit_days)
                        and coalesce(trim(i.result_spec), '') <> '', false) as complete,
               p.has_ytd_case, p.has_active_eval
        from service_items i
        left join steps s using (item_code)
        left join plan p using (item_code)
        where i.published
    """)
    return con


def unit_counts(db, scope: str) -> dict[str, dict]:
    rows = db.execute(
        """
        with per_dept as (
            select m.unit_code, m.dept_id, count(i.item_code) as items,
                   count(*) filter (where i.has_active_eval) as evaluated
            from unit_members m left join items i using (dept_id)
            where m.scope = ?
            group by all
        )
        select m.unit_code,
            count(i.item_code) as items,
            count(*) filter (where i.zero_visit) as zero_visit,
            count(*) filter (where i.is_license) as license,
            count(*) filter (where i.is_license and i.handling_type = '即办件') as instant,
            coalesce(sum(i.legal_limit_days - i.promised_limit_days) filter (
                where i.is_license and i.legal_limit_days > 0 and i.promised_limit_days is not null), 0) as compressed,
            coalesce(sum(i.legal_limit_days) filter (
                where i.is_license and i.legal_limit_days > 0 and i.promised_limit_days is not null), 0) as legal,
            count(*) filter (where i.complete) as complete,
            count(*) filter (where i.unified_acceptance) as ua,
            count(*) filter (where i.has_ytd_case) as with_case,
            count(*) filter (where i.is_license and i.has_ytd_case) as license_with_case,
            count(*) filter (where i.has_active_eval) as evaluated,
            (select count(*) from per_dept p where p.unit_code = m.unit_code and p.items > 0) as depts_with_items,
            (select count(*) from per_dept p where p.unit_code = m.unit_code and p.evaluated > 0) as evaluated_depts
        from unit_members m left join items i using (dept_id)
        where m.scope = ?
        group by m.unit_code
    """,
        [scope, scope],
    ).fetchall()
    cols = [c[0] for c in db.description]
    out = {r[0]: dict(zip(cols, r)) for r in rows}
    total = {c: sum(u[c] for u in out.values()) for c in cols[1:]}
    out["TOTAL"] = total
    return out


def check(failures: list, exceptions: dict, table: str, row: dict, column: str, n: int, d: int) -> None:
    text = row[column]
    unit = unit_name(row)
    exc = exceptions.get((table, unit, column))
    if exc is not None:
        if exc["printed"] != text or exc["reproduced"] != as_printed(n, d):
            failures.append(f"{table} {unit} {column}: exception says {exc['reproduced']}, got {n}/{d}")
    elif not prints_as(n, d, text, "pct2"):
        failures.append(f"{table} {unit} {column}: printed {text}, got {n}/{d} = {as_printed(n, d)}")


def check_count(failures: list, exceptions: dict, table: str, row: dict, column: str, value: int) -> None:
    unit = unit_name(row)
    exc = exceptions.get((table, unit, column))
    expected = exc["reproduced"] if exc else row[column]
    if str(value) != expected:
        failures.append(f"{table} {unit} {column}: printed {row[column]}, got {value}")


def key_of(roster, table: str, row: dict, by: str) -> str:
    name = unit_name(row)
    if name in TOTAL:
        return "TOTAL"
    return roster.dept_by_name(name).dept_id if by == "dept" else roster.region_by_name(name)


# --- the tables ----------------------------------------------------------------------------------


def test_columns_and_rules(built):
    _, items, _ = built
    si, st = items.service_items, items.item_steps
    assert tuple(si.column_names) == SOURCES_BY_NAME["service_items"].column_names
    assert tuple(st.column_names) == SOURCES_BY_NAME["item_steps"].column_names
    con = duckdb.connect()
    con.register("si", si)
    con.register("st", st)
    con.register("plan", items.plan)
    assert con.execute("select count(*) = count(distinct item_code) from si").fetchone()[0]
    assert con.execute("select count(*) = count(distinct (item_code, step_no)) from st").fetchone()[0]
    bad = con.execute("""select count(*) from si where item_code is null or item_name is null or dept_id is null
                         or item_type is null or published is null
                         or promised_limit_days > legal_limit_days or legal_limit_days < 0
                         or promised_limit_days < 0""").fetchone()[0]
    assert bad == 0
    assert set(con.execute("select distinct item_type from si").fetchnumpy()["item_type"]) <= set(ITEM_TYPES)
    assert set(con.execute("select distinct handling_type from si").fetchnumpy()["handling_type"]) <= {
        "即办件",
        "承诺件",
    }
    # unpublished rows exist, and the plan is exactly the published items
    n_pub, n_unpub = con.execute(
        "select count(*) filter (where published), count(*) filter (where not published) from si"
    ).fetchone()
    assert n_unpub > 0
    assert items.plan.num_rows == n_pub
    mismatch = con.execute("""select count(*)
                              from plan p full join (select * from si where published) s using (item_code)
                              where s.item_code is null or p.item_code is null or p.dept_id <> s.dept_id
                              or p.is_license <> (s.item_type = '行政许可')""").fetchone()[0]
    assert mismatch == 0
    # steps only for known items
    assert con.execute("select count(*) from st anti join si using (item_code)").fetchone()[0] == 0


def test_incomplete_items_fail_one_rule_each(db):
    rules = db.execute("""
        with s as (
            select item_code, count(*) as n_steps,
                count(*) filter (where coalesce(trim(step_name), '') = '') as blank_name,
                count(*) filter (where coalesce(trim(handler), '') = '') as blank_handler,
                count(*) filter (where coalesce(trim(review_criteria), '') = '') as blank_criteria,
                count(*) filter (where not coalesce(time_limit_days >= 0, false)) as bad_limit,
                sum(time_limit_days) as days
            from item_steps group by item_code
        )
        select
            (coalesce(s.n_steps, 0) = 0)::int as no_steps,
            (coalesce(s.blank_name, 0) > 0)::int as blank_name,
            (coalesce(s.blank_handler, 0) > 0)::int as blank_handler,
            (coalesce(s.blank_criteria, 0) > 0)::int as blank_criteria,
            (coalesce(s.bad_limit, 0) > 0)::int as bad_limit,
            coalesce(i.promised_limit_days is not null and s.days > i.promised_limit_days, false)::int as over,
            (coalesce(trim(i.result_spec), '') = '')::int as blank_result,
            i.complete
        from items i left join s using (item_code)
    """).fetchall()
    broken = [r[:7] for r in rows_not_complete(rules)]
    assert broken, "some published items should be incomplete"
    assert all(sum(r) == 1 for r in broken), "an incomplete item fails exactly one rule"
    assert all(sum(r[:7]) == 0 for r in rules if r[7]), "a complete item fails no rule"
    kinds = {r.index(1) for r in broken}
    assert len(kinds) == 7, f"every rule is broken by some item: {sorted(kinds)}"


def rows_not_complete(rows):
    return [r for r in rows if not r[7]]


def test_table01(built, db):
    roster, _, exceptions = built
    units = unit_counts(db, "province_dept")
    failures: list[str] = []
    for row in printed("t01"):
        u = units[key_of(roster, "t01", row, "dept")]
        check(failures, exceptions, "t01", row, "不见面审批事项占比", u["zero_visit"], u["items"])
        check(failures, exceptions, "t01", row, "行政许可类即办件占比", u["instant"], u["license"])
        check(failures, exceptions, "t01", row, "行政许可类时限压缩比例", u["compressed"], u["legal"])
    assert not failures, failures


def test_table10_items(built, db):
    roster, _, exceptions = built
    units = unit_counts(db, "province_dept")
    listed = {k for k, u in units.items() if k != "TOTAL" and u["items"] > 0}
    rows = printed("t10")
    assert listed == {key_of(roster, "t10", r, "dept") for r in rows if unit_name(r) not in TOTAL}
    failures: list[str] = []
    for row in rows:
        u = units[key_of(roster, "t10", row, "dept")]
        check_count(failures, exceptions, "t10", row, "政务服务事项总数", u["items"])
        check_count(failures, exceptions, "t10", row, "未产生办件的事项数", u["items"] - u["with_case"])
        check_count(
            failures, exceptions, "t10", row, "未产生办件的行政许可类事项数", u["license"] - u["license_with_case"]
        )
    assert not failures, failures


def test_table14_item_coverage(built, db):
    roster, _, exceptions = built
    units = unit_counts(db, "province_dept")
    failures: list[str] = []
    for row in printed("t14"):
        u = units[key_of(roster, "t14", row, "dept")]
        check(failures, exceptions, "t14", row, "主动评价覆盖事项率", u["evaluated"], u["items"])
    assert not failures, failures


def test_tables02_03_process_complete(built, db):
    roster, _, exceptions = built
    level, counties, direct = (unit_counts(db, s) for s in ("city_level", "city_counties", "direct_county"))
    failures: list[str] = []
    for row in printed("t02"):
        k = key_of(roster, "t02", row, "region")
        u = level[k]
        check(failures, exceptions, "t02", row, "市本级流程内容详实率", u["complete"], u["items"])
        c = counties.get(k, {"complete": 0, "items": 0})
        check(failures, exceptions, "t02", row, "所辖县（市、区）流程内容详实率", c["complete"], c["items"])
    for row in printed("t03"):
        u = direct[key_of(roster, "t03", row, "region")]
        check(failures, exceptions, "t03", row, "流程内容详实率", u["complete"], u["items"])
    assert not failures, failures


@pytest.mark.parametrize("stem,scope", [("t08a", "city_level"), ("t08b", "direct_county"), ("t09", "city_counties")])
def test_tables08_09_unified_acceptance(built, db, stem, scope):
    roster, _, exceptions = built
    units = unit_counts(db, scope)
    failures: list[str] = []
    for row in printed(stem):
        u = units[key_of(roster, stem, row, "region")]
        check_count(failures, exceptions, stem, row, "政务服务事项总数", u["items"])
        check_count(failures, exceptions, stem, row, "接入统一受理事项总数", u["ua"])
        check(failures, exceptions, stem, row, "统一受理事项覆盖度", u["ua"], u["items"])
    assert not failures, failures


@pytest.mark.parametrize("suffix,scope", [("a", "city_total"), ("b", "direct_county")])
def test_tables11_15_incidence_and_coverage(built, db, suffix, scope):
    roster, _, exceptions = built
    units = unit_counts(db, scope)
    failures: list[str] = []
    for row in printed(f"t11{suffix}"):
        u = units[key_of(roster, "t11", row, "region")]
        check(failures, exceptions, f"t11{suffix}", row, "办件涉及事项发生率", u["with_case"], u["items"])
        check(
            failures,
            exceptions,
            f"t11{suffix}",
            row,
            "行政许可类办件涉及事项发生率",
            u["license_with_case"],
            u["license"],
        )
    for row in printed(f"t15{suffix}"):
        u = units[key_of(roster, "t15", row, "region")]
        check(failures, exceptions, f"t15{suffix}", row, "主动评价覆盖事项率", u["evaluated"], u["items"])
        # departments with ≥ 1 item and ≥ 1 evaluation (evaluations carry their item's department)
        check(
            failures, exceptions, f"t15{suffix}", row, "主动评价覆盖部门率", u["evaluated_depts"], u["depts_with_items"]
        )
    assert not failures, failures


def test_exceptions_are_well_formed(built):
    _, _, exceptions = built
    for e in exceptions.values():
        assert set(e) == {"table", "unit", "column", "printed", "reproduced", "arithmetic"}
        assert e["printed"] != e["reproduced"]
        assert e["arithmetic"]
        rows = [r for r in printed(e["table"]) if unit_name(r) == e["unit"]]
        assert rows and rows[0][e["column"]] == e["printed"], e


def test_evaluated_items_have_cases_where_possible(db):
    # an item evaluated without a YTD case only where the unit prints a coverage above its incidence
    rows = db.execute("""
        select m.scope, m.unit_code,
               count(*) filter (where i.has_active_eval) as evaluated,
               count(*) filter (where i.has_ytd_case) as with_case,
               count(*) filter (where i.has_active_eval and not i.has_ytd_case) as evaluated_without_case
        from unit_members m join items i using (dept_id)
        where m.scope in ('province_dept', 'city_total', 'direct_county')
        group by all
    """).fetchall()
    assert rows
    bad = [r for r in rows if r[4] != max(0, r[2] - r[3])]
    assert not bad, bad


def test_plan_columns(built):
    _, items, _ = built
    assert set(items.plan.column_names) >= {
        "item_code",
        "dept_id",
        "region_code",
        "is_license",
        "has_ytd_case",
        "has_active_eval",
    }
    for c in ("is_license", "has_ytd_case", "has_active_eval"):
        assert items.plan.column(c).null_count == 0


def test_only_eligible_departments_have_items(built):
    roster, items, _ = built
    eligible = {d.dept_id for d in roster.depts if d.item_eligible}
    assert set(items.service_items.column("dept_id").to_pylist()) <= eligible


def test_cached(built):
    from zwfw_sample.calibrated.items import build_items

    roster, items, _ = built
    assert build_items(roster) is items
    assert isinstance(items.plan, pa.Table)

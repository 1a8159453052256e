"""Calibrated events (issue #4): recompute tables 10/11/14/15 from the generated records with
DuckDB, independently of the pipeline, and compare with the printed CSVs (fractions.prints_as)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from zwfw_sample.calibrated import events as E
from zwfw_sample.calibrated.fractions import prints_as
from zwfw_sample.calibrated.roster import build_roster

items_mod = pytest.importorskip("zwfw_sample.calibrated.items")

FIXTURES = Path(__file__).parents[1] / "fixtures" / "bulletin-2020-12-25"
SCALE = 0.003
BACKFILL = (dt.datetime(2019, 12, 1), dt.datetime(2020, 12, 25, 23, 59, 59))


def _printed(stem: str) -> tuple[dict[str, dict], dict]:
    with (FIXTURES / f"{stem}.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    name = lambda r: list(r.values())[1].strip()  # noqa: E731
    total = next(r for r in rows if name(r) in ("合计", "总计"))
    return {name(r): r for r in rows if r is not total}, total


@pytest.fixture(scope="module")
def world():
    roster = build_roster()
    items = items_mod.build_items(roster)
    batches: dict[str, list[pa.Table]] = {"cases": [], "evaluations": []}
    for kind, b in E.iter_events(roster, items, SCALE, *BACKFILL, seed=7):
        batches[kind].append(b)
    con = duckdb.connect()
    con.register("cases_t", pa.concat_tables(batches["cases"]))
    con.register("evals_t", pa.concat_tables(batches["evaluations"]))
    con.register("plan", items.plan)
    con.register("pop", E.build_population(roster, SCALE, items))
    return roster, items, con


_SQL = """
with c as (select * from cases_t where accepted_at between '2020-01-01' and '2020-12-25 23:59:59'),
e as (select * from evals_t where source = 'active'
      and evaluated_at between '2020-01-01' and '2020-12-25 23:59:59'),
cu as (select unit, count(*) n, count(*) filter (where channel in ('online', 'mobile')) o,
       count(*) filter (where qc_passed) q,
       count(*) filter (where qc_passed and completed_at <= '2020-12-25 23:59:59') cc
       from c join unit_of using (dept_id) group by all),
eu as (select unit, count(*) a, count(*) filter (where case_id in (select case_id from cases_t)) k,
       count(*) filter (where rating <= 2) b,
       count(*) filter (where rating <= 2 and rectified_at <= rectify_due_at
                        and rectified_at <= '2020-12-25 23:59:59') r,
       count(*) filter (where rating <= 2 and (rectified_at is null or rectified_at > '2020-12-25 23:59:59')
                        and rectify_due_at > '2020-12-25 23:59:59') w
       from e join unit_of using (dept_id) group by all)
select u.unit, coalesce(n, 0), coalesce(o, 0), coalesce(q, 0), coalesce(cc, 0), coalesce(a, 0),
       coalesce(k, 0), coalesce(b, 0), coalesce(r, 0), coalesce(w, 0)
from (select distinct unit from unit_of) u left join cu using (unit) left join eu using (unit)
"""


def _check(n: int, d: int, text: str, mode: str = "pct2") -> bool:
    if text.strip() in ("-", "--"):
        return d == 0
    return d > 0 and prints_as(n, d, text, mode)


def test_units_and_totals_print_as_printed(world):
    roster, items, con = world
    units = E.units(roster)
    con.execute("create or replace table unit_of (dept_id varchar, unit integer)")
    con.executemany("insert into unit_of values (?, ?)", [(d, u.index) for u in units for d in u.dept_ids])
    got = {row[0]: row[1:] for row in con.execute(_SQL).fetchall()}
    pop = dict(con.execute("select region_code, resident_population from pop where year = 2019").fetchall())
    excepted = {(x["table"], x["column"]) for x in E.EVENT_EXCEPTIONS}
    failures = []
    for group, (s11, s15) in {"province": ("t10", "t14"), "city": ("t11a", "t15a"), "direct": ("t11b", "t15b")}.items():
        r11, t11 = _printed(s11)
        r15, t15 = _printed(s15)
        sums, pop_sum = [0] * 9, 0
        for u in (u for u in units if u.group == group):
            n, o, q, cc, a, k, b, r, w = got[u.index]
            sums = [x + y for x, y in zip(sums, got[u.index])]
            checks = [
                (s11, "办件网上受理率", o, n, r11[u.name]["办件网上受理率"], "pct2"),
                (s15, "主动评价率", a, cc, r15[u.name]["主动评价率"], "pct2"),
                (s15, "主动评价数据完整性", k, a, r15[u.name]["主动评价数据完整性"], "pct2"),
                (s15, "差评按期整改率", r, b - w, r15[u.name]["差评按期整改率"], "pct2"),
            ]
            if group != "province":
                p = pop[u.code] - sum(pop[d] for d in E.R.DIRECT_ADMIN if E._parent(d) == u.code)
                pop_sum += p
                checks.append((s11, "人均办件量（件）", q, p, r11[u.name]["人均办件量（件）"], "dec3"))
            failures += [
                (t, u.name, col, nn, dd, text)
                for t, col, nn, dd, text, mode in checks
                if not _check(nn, dd, text, mode)
            ]
        n, o, q, cc, a, k, b, r, w = sums
        checks = [
            (s11, "办件网上受理率", o, n, t11, "pct2"),
            (s15, "主动评价率", a, cc, t15, "pct2"),
            (s15, "主动评价数据完整性", k, a, t15, "pct2"),
            (s15, "差评按期整改率", r, b - w, t15, "pct2"),
        ]
        if group != "province":
            checks.append((s11, "人均办件量（件）", q, pop_sum, t11, "dec3"))
        for t, col, nn, dd, row, mode in checks:
            if (t, col) in excepted:
                continue
            if not _check(nn, dd, row[col], mode):
                failures.append((t, "合计", col, nn, dd, row[col]))
    assert failures == []


def test_item_flags(world):
    _, _, con = world
    wrong = con.execute("""
        select count(*) filter (where has_ytd_case <> (coalesce(n, 0) > 0)),
               count(*) filter (where has_active_eval <> (coalesce(a, 0) > 0))
        from plan
        left join (select item_code, count(*) n from cases_t
                   where accepted_at between '2020-01-01' and '2020-12-25 23:59:59' group by 1) using (item_code)
        left join (select item_code, count(*) a from evals_t where source = 'active'
                   and evaluated_at between '2020-01-01' and '2020-12-25 23:59:59' group by 1) using (item_code)
    """).fetchone()
    assert wrong == (0, 0)


def test_only_known_exception():
    assert {(x["table"], x["column"]) for x in E.EVENT_EXCEPTIONS} <= {("t11a", "人均办件量（件）")}


def test_weekly_deltas_add_up_and_same_bytes():
    roster = build_roster()
    items = items_mod.build_items(roster)

    def rows(lo, hi):
        out = {"cases": [], "evaluations": []}
        for kind, b in E.iter_events(roster, items, SCALE, lo, hi, seed=7):
            out[kind].append(b)
        return {k: pa.concat_tables(v) if v else None for k, v in out.items()}

    end = BACKFILL[1]
    back = rows(dt.datetime(2020, 11, 28), end)
    weeks = [
        rows(
            dt.datetime(2020, 11, 28) + dt.timedelta(days=7 * i),
            min(end, dt.datetime(2020, 12, 4, 23, 59, 59) + dt.timedelta(days=7 * i)),
        )
        for i in range(4)
    ]
    for kind in ("cases", "evaluations"):
        whole = back[kind].sort_by([(back[kind].column_names[0], "ascending")])
        parts = pa.concat_tables([w[kind] for w in weeks if w[kind] is not None])
        parts = parts.sort_by([(parts.column_names[0], "ascending")])
        assert whole.equals(parts)
    again = rows(dt.datetime(2020, 11, 28), end)
    assert all(back[k].equals(again[k]) for k in back)


def test_full_scale_counts_are_the_printed_counts():
    """At scale 1 every unit's active evaluations are the printed 主动评价总数 and the 2019
    populations CONTRACT §7 names are used as they are (planned counts; no records drawn)."""
    import csv
    from pathlib import Path

    from zwfw_sample.calibrated.events import build_population, unit_counts
    from zwfw_sample.calibrated.items import build_items
    from zwfw_sample.calibrated.roster import build_roster

    printed: dict[str, int] = {}
    fixtures = Path(__file__).parents[1] / "fixtures" / "bulletin-2020-12-25"
    for stem in ("t14", "t15a", "t15b"):
        with (fixtures / f"{stem}.csv").open(encoding="utf-8") as f:
            for row in csv.DictReader(f):
                name = list(row.values())[1]
                if name not in ("合计", "总计"):
                    printed[name] = int(row["主动评价总数"])
    roster = build_roster()
    items = build_items(roster)
    counts = unit_counts(roster, items, 1.0)
    assert {c.unit.name: c.active for c in counts} == printed
    pop = {
        (r["region_code"], r["year"]): r["resident_population"]
        for r in build_population(roster, 1.0, items).to_pylist()
    }
    assert pop[("410100", 2019)] == 10_352_000 and pop[("410181", 2019)] == 844_000
    assert pop[("410300", 2019)] == 6_922_200


@pytest.mark.parametrize("scale", [0.2, 0.3, 0.5])
def test_planned_parts_never_exceed_their_wholes(scale):
    """At scales where fitting a 合计 once pushed a 100.00% share's numerator past its
    denominator (online > cases at 0.3, known > active at 0.2): every part stays within its whole."""
    from zwfw_sample.calibrated.events import unit_counts
    from zwfw_sample.calibrated.items import build_items
    from zwfw_sample.calibrated.roster import build_roster

    roster = build_roster()
    for c in unit_counts(roster, build_items(roster), scale):
        assert 0 <= c.online <= c.cases and c.completed <= c.qc <= c.cases, c
        assert c.known <= c.active and c.rectified_on_time <= c.bad - c.pending_not_due <= c.active, c

"""Service items and their handling steps for the calibrated world.

`build_items(roster)` returns the 事项 publication library (`service_items`), the 办理流程
(`item_steps`) and a `plan`: one row per published item with the flags that the events module
must honour (`has_ytd_case`: at least one case in 2020; `has_active_eval`: at least one active
evaluation in 2020). Together they make the pipeline reproduce the printed figures of tables 1,
2, 3, 8, 9, 10 (items, items without cases), 11 (item incidences), 14 and 15 (item coverage) and
15 (department coverage) — every unit and the 合计 rows — wherever the printed figures can hold
at once; where they cannot, `ITEM_EXCEPTIONS` says why, with the arithmetic.

Everything here is a count of items, so it is exact at every scale: the result does not depend on
the scale (nor on a seed) and is cached. Records are built with numpy/pyarrow, never item by item.

How: first the *counts* (roster-independent, `_province_counts`, `_local_counts`): for every
reporting unit the whole-number numerators that print as the printed percentages over the
printed item totals, chosen within their rounding intervals so that the 合计 rows print too
(`_fit`, a small local search over each unit's admissible parts). Then the department
coverage of table 15, which needs the roster's department counts (`_dept_counts`). Then the
records: items are spread over the unit's departments and the flags are dealt out exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from functools import cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from zwfw_contract.sources import ITEM_TYPES, SOURCES_BY_NAME
from zwfw_sample import reference as R

from .fractions import numerator_range, printed_value, prints_as, render_text
from .printed import total_row, unit_rows

ITEMS_SEED = 20201225
LICENSE = ITEM_TYPES[0]  # 行政许可

ITEM_EXCEPTIONS: list[dict] = []
"""Printed figures of tables 1–3, 8–11, 14, 15 that no item library can reproduce, with arithmetic.

Dicts: table, unit, column, printed, reproduced, arithmetic. Filled when the counts are planned
(at import for the roster-independent ones, by `build_items` for table 15's department coverage).
"""

# Realistic shares where the bulletin prints nothing.
LICENSE_SHARE_PROVINCE = 0.5  # preferred share of 行政许可 among a provincial department's items
LICENSE_SHARE_LOCAL = 0.32  # … among a city's or county's items
DEPT_SHARE_WITH_ITEMS = 0.92  # preferred share of a unit's departments that publish items
UNPUBLISHED_SHARE = 0.02  # unpublished (published = false) rows on top of the published ones
PROCESS_COMPLETE_PROVINCE = 0.95  # provincial items are not in tables 2/3
UA_PROVINCE = 0.9  # nor in tables 8/9
ZERO_VISIT_LOCAL = 0.85  # local items are not in table 1
LEGAL_DAYS = np.array([5, 10, 15, 20, 20, 20, 30, 30, 45, 60])

# Incomplete items (流程内容详实, CONTRACT §3) fail exactly one rule each.
DEFECTS = (
    "blank_handler",
    "no_steps",
    "over_promised",
    "blank_result",
    "blank_criteria",
    "blank_step_name",
    "null_step_limit",
)
DEFECT_P = (0.25, 0.15, 0.2, 0.1, 0.1, 0.1, 0.1)

# Roster kinds that reference.TOPICS does not know → the topics of a related kind.
_TOPIC_ALIAS = {
    "realty": "nr",
    "land_reserve": "nr",
    "urban_planning": "urban",
    "parks": "urban",
    "sanitation": "urban",
    "social_ins": "hrss",
    "employment": "hrss",
    "talent": "hrss",
    "medins_center": "medins",
    "fire": "emergency",
    "quake": "emergency",
    "traffic": "police",
    "civil_registry": "civil",
    "social_welfare": "civil",
    "veterans_service": "veterans",
    "housing_security": "housing",
    "cdc": "health",
    "hospital": "health",
    "tcm": "health",
    "mch": "health",
    "blood": "health",
    "emergency_care": "health",
    "museum": "relics",
    "library": "culture",
    "broadcast": "radio",
    "road_transport": "transport",
    "highway": "transport",
    "vet": "agri",
    "seed": "agri",
    "agri_tech": "agri",
    "coop": "agri",
    "hydrology": "water",
    "water_supply": "water",
    "food_lab": "market",
    "quality": "market",
    "special_equipment": "market",
    "price": "ndrc",
    "legal_aid": "justice",
    "notary": "justice",
    "exam": "edu",
    "statistics_survey": "stats",
    "edz": "commerce",
    "hitech": "sci",
    "sasac": "finance",
    "trading": "service",
    "tobacco": "market",
}


@dataclass(frozen=True)
class Items:
    service_items: pa.Table  # CONTRACT §3 columns, registry order; published and unpublished rows
    item_steps: pa.Table  # CONTRACT §3 columns, registry order
    plan: pa.Table  # one row per published item, see PLAN_COLUMNS
    counts: dict = field(repr=False, compare=False, default_factory=dict)  # the planned numerators


PLAN_COLUMNS = (
    "item_code",
    "dept_id",
    "region_code",
    "scope",
    "unit_code",  # the item's unit in tables 1/2/3/8/9: province_dept|city_level|city_counties|direct_county
    "event_scope",
    "event_unit",  # its unit in tables 10/11/14/15: province_dept|city_total|direct_county
    "is_license",
    "has_ytd_case",
    "has_active_eval",
)


# --- exact parts of printed percentages ---------------------------------------------------------


def _code(text: str) -> int | None:
    """A printed pct2 figure as an integer of 1/10000 (`92.12%` → 9212), None for a dash."""
    v = printed_value(text, "pct2")
    if v is None:
        return None
    a = v * 10000
    assert a.denominator == 1, text
    return int(a)


def _fixed_options(text: str, d: int) -> list[tuple[int, int, float]]:
    """Options (n, d, cost) for a unit whose denominator is fixed: cost = distance from the printed value."""
    r = numerator_range(text, d)
    if r is None:
        return []
    a = _code(text)
    return sorted(((n, d, abs(n - a * d / 10000)) for n in range(r[0], r[1] + 1)), key=lambda o: o[2])


def _fit(options: list[list[tuple[int, int, float]]], total_text: str) -> tuple[list[int], bool]:
    """One option per unit (indices) such that Σn/Σd prints as `total_text`, at little cost.

    `options[u]` is a list of (n, d, cost), cheapest first. A greedy local search: start from the
    cheapest options; while the total does not print, make the single change that reaches the
    printed interval at the least added cost, or else brings the total closest to it per added
    cost. Returns (choice, ok); ok is False when no combination found prints (choice is then the
    closest found).
    """
    a = _code(total_text)
    choice = [0] * len(options)
    n_sum = sum(o[0][0] for o in options)
    d_sum = sum(o[0][1] for o in options)

    def dist(n: int, d: int) -> float:  # 0 exactly when n/d prints as total_text
        if d <= 0:
            return float("inf")
        below = (2 * a - 1) * d - 20000 * n
        above = 20000 * n - (2 * a + 1) * d + 1
        return max(0, below, above) / (20000 * d)

    for _ in range(10_000):
        cur = dist(n_sum, d_sum)
        if cur == 0:
            return choice, True
        best_key, best = None, None
        for u, opts in enumerate(options):
            n0, d0, c0 = opts[choice[u]]
            for k, (n, d, c) in enumerate(opts):
                if k == choice[u]:
                    continue
                dd = dist(n_sum - n0 + n, d_sum - d0 + d)
                if dd >= cur:
                    continue
                extra = c - c0
                key = (0, extra) if dd == 0 else (1, -(cur - dd) / (1.0 + max(extra, 0.0)))
                if best_key is None or key < best_key:
                    best_key, best = key, (u, k, n - n0, d - d0)
        if best is None:
            return choice, False
        u, k, dn, dd_ = best
        choice[u] = k
        n_sum += dn
        d_sum += dd_
    return choice, False


def _exception(table: str, unit: str, column: str, printed: str, reproduced: str, arithmetic: str) -> None:
    e = dict(table=table, unit=unit, column=column, printed=printed, reproduced=reproduced, arithmetic=arithmetic)
    if e not in ITEM_EXCEPTIONS:
        ITEM_EXCEPTIONS.append(e)


_PENDING: dict[tuple[str, str, str], tuple[str, str]] = {}  # unit figures no whole numerator prints


def _fit_total(
    table: str, column: str, options: list[list[tuple[int, int, float]]], names: list[str]
) -> list[tuple[int, int]]:
    """`_fit` against the table's 合计 row; records an exception when it cannot print (and for the
    units whose own figure cannot print, with the numerator chosen for them)."""
    text = total_row(table)[column]
    choice, ok = _fit(options, text)
    parts = [options[u][k][:2] for u, k in enumerate(choice)]
    for name, (n, d) in zip(names, parts):
        pending = _PENDING.pop((table, name, column), None)
        if pending:
            printed, why = pending
            _exception(table, name, column, printed, render_text(n, d), f"{why}; {n}/{d} = {render_text(n, d)} chosen")
    if not ok:
        n, d = sum(p[0] for p in parts), sum(p[1] for p in parts)
        dens = {o[1] for opts in options for o in opts}
        if all(len({o[1] for o in opts}) == 1 for opts in options):  # fixed denominators
            lo = sum(min(o[0] for o in opts) for opts in options)
            hi = sum(max(o[0] for o in opts) for opts in options)
            r = numerator_range(text, d)
            need = f"[{r[0]}, {r[1]}]" if r else "no whole number"
            why = (
                f"with every unit's own figure printing as printed, Σ numerators ∈ [{lo}, {hi}] of Σ {d} "
                f"({render_text(lo, d)} … {render_text(hi, d)}); {text} needs {need}"
            )
        else:
            why = (
                f"no choice of the units' parts (each printing its own figure; {len(dens)} denominators "
                f"tried) prints {text}"
            )
        _exception(table, "合计", column, text, render_text(n, d), f"{why}; closest {n}/{d} = {render_text(n, d)}")
    return parts


# --- the counts: provincial departments (tables 1, 10, 14) --------------------------------------


@dataclass
class ProvinceCounts:
    name: str
    items: int
    zero_visit: int
    license: int
    instant: int  # 即办件 among the 行政许可 items
    no_case: int
    no_case_license: int
    evaluated: int  # items with an active evaluation
    legal: np.ndarray  # legal days of the compression items (行政许可, legal > 0, promised set); 即办件 first
    promised: np.ndarray
    excluded: int  # further 行政许可 items outside the compression (legal 0 or promised not set)


@cache
def _province_counts() -> tuple[ProvinceCounts, ...]:
    rng = np.random.default_rng([ITEMS_SEED, 1])
    t01 = {r["省直部门"]: r for r in unit_rows("t01")}
    t10 = unit_rows("t10")
    t14 = {r["省直部门"]: r for r in unit_rows("t14")}
    names = [r["省直部门"] for r in t10]
    n = [int(r["政务服务事项总数"]) for r in t10]
    w = [int(r["未产生办件的事项数"]) for r in t10]
    wl = [int(r["未产生办件的行政许可类事项数"]) for r in t10]
    for r in (total_row("t10"),):
        for col, vals in (("政务服务事项总数", n), ("未产生办件的事项数", w), ("未产生办件的行政许可类事项数", wl)):
            if int(r[col]) != sum(vals):
                _exception("t10", "合计", col, r[col], str(sum(vals)), f"Σ units = {sum(vals)}")

    # 不见面审批事项占比: the denominator is table 10's item count
    col = "不见面审批事项占比"
    opts = []
    for name, d in zip(names, n):
        opts.append(_unit_options("t01", name, col, t01[name][col], d))
    zero = [p[0] for p in _fit_total("t01", col, opts, names)]

    # 行政许可类即办件占比: choose the number of 行政许可 items L (free) and its 即办件 K
    col = "行政许可类即办件占比"
    opts = []
    for name, d, wi, wli in zip(names, n, w, wl):
        text = t01[name][col]
        lo, hi = max(wli, 1), d - (wi - wli)  # table 10: the items without cases must fit
        pref = max(lo, round(LICENSE_SHARE_PROVINCE * d))
        o = []
        for lic in range(lo, hi + 1):
            r = numerator_range(text, lic)
            if r:
                o += [(k, lic, abs(lic - pref) + abs(k - _code(text) * lic / 10000)) for k in range(r[0], r[1] + 1)]
        if not o:  # only L = hi ≤ 0 is possible: no 行政许可 items at all
            lic = max(hi, 0)
            o = [(0, lic, 0.0)]
            _exception(
                "t01",
                name,
                col,
                text,
                render_text(0, lic),
                f"table 10: {d} items, {wi} without cases of which {wli} 行政许可 → {d} − {wi - wli} "
                f"= {hi} 行政许可 items at most, and 0/{lic} prints '{render_text(0, lic)}'",
            )
            _exception(
                "t01",
                name,
                "行政许可类时限压缩比例",
                t01[name]["行政许可类时限压缩比例"],
                "-",
                "no 行政许可 items (see 行政许可类即办件占比): Σ legal = 0",
            )
        opts.append(sorted(o, key=lambda x: x[2]))
    lic_parts = _fit_total("t01", col, opts, names)
    instant = [p[0] for p in lic_parts]
    lic = [p[1] for p in lic_parts]

    # 行政许可类时限压缩比例: Σ(legal − promised) / Σ legal over the compression items
    col = "行政许可类时限压缩比例"
    base, excluded, opts = [], [], []
    for name, li, ki in zip(names, lic, instant):
        x = min(li - ki, int(0.06 * li)) if li >= 15 else 0
        e = li - x
        legal = LEGAL_DAYS[rng.integers(0, len(LEGAL_DAYS), e)].astype(np.int64)
        base.append(legal)
        excluded.append(x)
        g0 = int(legal.sum())
        o = []
        if e:
            text = t01[name][col]
            # Σ legal near the drawn one, and coarser steps further off (the 合计 is a G-weighted mean)
            deltas = set(range(-30, 31)) | set(range(-g0 // 2, g0 + 1, max(1, g0 // 60)))
            for delta in sorted(x for x in deltas if g0 + x >= e):
                r = numerator_range(text, g0 + delta)
                if r:
                    o += [
                        (c, g0 + delta, abs(delta) / e + abs(c - _code(text) * (g0 + delta) / 10000))
                        for c in range(r[0], r[1] + 1)
                    ]
            if not o:
                raise AssertionError(f"t01 {name} {col}: no C/G near {g0} prints {text}")
        else:
            o = [(0, 0, 0.0)]
        opts.append(sorted(o, key=lambda x: x[2]))
    comp_parts = _fit_total("t01", col, opts, names)

    # 主动评价覆盖事项率 (table 14): evaluated items / items
    col = "主动评价覆盖事项率"
    opts = []
    for name, d in zip(names, n):
        text = t14[name][col]
        if printed_value(text, "pct2") is not None:
            o = _unit_options("t14", name, col, text, d)
        else:
            o = [(0, d, 0.0)]
            _exception(
                "t14",
                name,
                col,
                text,
                render_text(0, d),
                f"{d} published items (table 10) but no active evaluation on any: 0/{d} prints "
                f"{render_text(0, d)}; '-' would need 0 items, contradicting table 10",
            )
        opts.append(o)
    evaluated = [p[0] for p in _fit_total("t14", col, opts, names)]

    out = []
    for i, name in enumerate(names):
        legal = base[i]
        c_target, g_target = comp_parts[i]
        legal = _nudge(rng, legal, g_target - int(legal.sum()))
        promised = legal - _spread(rng, legal, c_target, instant[i]) if len(legal) else legal
        out.append(
            ProvinceCounts(
                name, n[i], zero[i], lic[i], instant[i], w[i], wl[i], evaluated[i], legal, promised, excluded[i]
            )
        )
    return tuple(out)


def _nudge(rng: np.random.Generator, legal: np.ndarray, delta: int) -> np.ndarray:
    """Change Σ legal by delta, one day at a time on random items, keeping every limit ≥ 1."""
    legal = legal.copy()
    step = 1 if delta > 0 else -1
    while delta:
        i = int(rng.integers(0, len(legal)))
        if step < 0 and legal[i] <= 1:
            continue
        legal[i] += step
        delta -= step
    return legal


def _spread(rng: np.random.Generator, legal: np.ndarray, total: int, n_instant: int) -> np.ndarray:
    """Compressed days per item (0 ≤ c ≤ legal) adding up to `total`; 即办件 (the first n_instant)
    are promised on the spot (c = legal) when the department's compression allows it."""
    g = int(legal.sum())
    inst = int(legal[:n_instant].sum())
    desired = legal.astype(float) * (total / g if g else 0.0)
    if inst <= total and n_instant < len(legal):
        rest = (total - inst) / float(legal[n_instant:].sum())
        desired[:n_instant] = legal[:n_instant]
        noise = rng.normal(0.0, 0.08, len(legal) - n_instant) * (0 < rest < 1)
        desired[n_instant:] = legal[n_instant:] * np.clip(rest + noise, 0.0, 1.0)
    c = np.clip(np.floor(desired), 0, legal).astype(np.int64)
    residual = total - int(c.sum())
    while residual:
        step = 1 if residual > 0 else -1
        cand = np.flatnonzero(c < legal) if step > 0 else np.flatnonzero(c > 0)
        cand = rng.permutation(cand)[: abs(residual)]
        c[cand] += step
        residual -= step * len(cand)
    return c


# --- the counts: cities and direct-admin counties (tables 2, 3, 8, 9, 11, 15) --------------------


@dataclass
class SubUnitCounts:
    """Items of one unit of tables 2/3/8/9 (city_level, city_counties or direct_county)."""

    scope: str
    name: str
    items: int
    ua: int  # unified_acceptance
    complete: int  # process-complete


@dataclass
class EventUnitCounts:
    """Items of one unit of tables 11/15 (city_total or direct_county)."""

    scope: str
    name: str
    subunits: tuple[SubUnitCounts, ...]
    items: int
    with_case: int
    license: int
    license_with_case: int
    evaluated: int
    dept_coverage_text: str


def _ua_check(table: str, rows, name_col: str) -> None:
    n_sum = ua_sum = 0
    for r in rows:
        n, ua = int(r["政务服务事项总数"]), int(r["接入统一受理事项总数"])
        n_sum, ua_sum = n_sum + n, ua_sum + ua
        if not prints_as(ua, n, r["统一受理事项覆盖度"]):
            _exception(
                table, r[name_col], "统一受理事项覆盖度", r["统一受理事项覆盖度"], render_text(ua, n), f"{ua}/{n}"
            )
    t = total_row(table)
    for col, v in (("政务服务事项总数", n_sum), ("接入统一受理事项总数", ua_sum)):
        if int(t[col]) != v:
            _exception(table, "合计", col, t[col], str(v), f"Σ units = {v}")
    if not prints_as(ua_sum, n_sum, t["统一受理事项覆盖度"]):
        _exception(
            table,
            "合计",
            "统一受理事项覆盖度",
            t["统一受理事项覆盖度"],
            render_text(ua_sum, n_sum),
            f"{ua_sum}/{n_sum}",
        )


@cache
def _local_counts() -> tuple[EventUnitCounts, ...]:
    """Counts of the 18 city_total units (table order of 11a) and the 10 direct counties (11b)."""
    t08a = {r["省辖市"]: r for r in unit_rows("t08a")}
    t08b = {r["省直管县（市）"]: r for r in unit_rows("t08b")}
    t09 = {r["省辖市"]: r for r in unit_rows("t09")}
    _ua_check("t08a", unit_rows("t08a"), "省辖市")
    _ua_check("t08b", unit_rows("t08b"), "省直管县（市）")
    _ua_check("t09", unit_rows("t09"), "省辖市")

    # process completeness: t02 (city_level, city_counties), t03 (direct_county)
    t02 = unit_rows("t02")
    level_names = [r["省辖市"] for r in t02]
    level_items = [int(t08a[c]["政务服务事项总数"]) for c in level_names]
    level_pc = _fit_total(
        "t02",
        "市本级流程内容详实率",
        [
            _unit_options("t02", r["省辖市"], "市本级流程内容详实率", r["市本级流程内容详实率"], d)
            for r, d in zip(t02, level_items)
        ],
        level_names,
    )
    county_rows = [r for r in t02 if r["所辖县（市、区）流程内容详实率"].strip() not in ("-", "--")]
    for r in t02:
        if (r in county_rows) != (r["省辖市"] in t09):
            raise AssertionError(f"t02/t09 disagree on whether {r['省辖市']} has counties")
    county_names = [r["省辖市"] for r in county_rows]
    county_items = [int(t09[c]["政务服务事项总数"]) for c in county_names]
    county_pc = _fit_total(
        "t02",
        "所辖县（市、区）流程内容详实率",
        [
            _unit_options("t02", r["省辖市"], "所辖县（市、区）流程内容详实率", r["所辖县（市、区）流程内容详实率"], d)
            for r, d in zip(county_rows, county_items)
        ],
        county_names,
    )
    t03 = unit_rows("t03")
    direct_names = [r["省直管县（市）"] for r in t03]
    direct_items = [int(t08b[c]["政务服务事项总数"]) for c in direct_names]
    direct_pc = _fit_total(
        "t03",
        "流程内容详实率",
        [
            _unit_options("t03", r["省直管县（市）"], "流程内容详实率", r["流程内容详实率"], d)
            for r, d in zip(t03, direct_items)
        ],
        direct_names,
    )

    subunits: dict[tuple[str, str], SubUnitCounts] = {}
    for c, (k, d) in zip(level_names, level_pc):
        subunits[("city_level", c)] = SubUnitCounts("city_level", c, d, int(t08a[c]["接入统一受理事项总数"]), k)
    for c, (k, d) in zip(county_names, county_pc):
        subunits[("city_counties", c)] = SubUnitCounts("city_counties", c, d, int(t09[c]["接入统一受理事项总数"]), k)
    for c, (k, d) in zip(direct_names, direct_pc):
        subunits[("direct_county", c)] = SubUnitCounts("direct_county", c, d, int(t08b[c]["接入统一受理事项总数"]), k)

    out: list[EventUnitCounts] = []
    for t11, t15, scope, name_col in (
        ("t11a", "t15a", "city_total", "省辖市"),
        ("t11b", "t15b", "direct_county", "省直管县（市）"),
    ):
        rows = unit_rows(t11)
        names = [r[name_col] for r in rows]
        cov = {list(r.values())[1]: r for r in unit_rows(t15)}
        subs = []
        for c in names:
            if scope == "city_total":
                parts = (subunits.get(("city_level", c)), subunits.get(("city_counties", c)))
                subs.append(tuple(s for s in parts if s))
            else:
                subs.append((subunits[("direct_county", c)],))
        items = [sum(s.items for s in ss) for ss in subs]
        col = "办件涉及事项发生率"
        with_case = [
            p[0]
            for p in _fit_total(
                t11, col, [_unit_options(t11, r[name_col], col, r[col], d) for r, d in zip(rows, items)], names
            )
        ]
        col = "主动评价覆盖事项率"
        evaluated = [
            p[0]
            for p in _fit_total(
                t15, col, [_unit_options(t15, c, col, cov[c][col], d) for c, d in zip(names, items)], names
            )
        ]
        # 行政许可 items: L is free; K/L must print, and fit with the incidence of all items
        col = "行政许可类办件涉及事项发生率"
        opts = []
        for r, d, i in zip(rows, items, with_case):
            text = r[col]
            pref = round(LICENSE_SHARE_LOCAL * d)
            o, width, done = [], 300, set()
            while not o and width < 2 * d:  # widen the window until some L works
                for lic in range(max(1, pref - width), min(d, pref + width) + 1):
                    rr = None if lic in done else numerator_range(text, lic)
                    done.add(lic)
                    if rr:
                        o += [
                            (k, lic, abs(lic - pref) + abs(k - _code(text) * lic / 10000))
                            for k in range(rr[0], rr[1] + 1)
                            if k <= i and lic - k <= d - i
                        ]
                width *= 2
            opts.append(sorted(_must(o, t11, r[name_col]), key=lambda x: x[2]))
        lic_parts = _fit_total(t11, col, opts, names)
        for j, c in enumerate(names):
            out.append(
                EventUnitCounts(
                    scope,
                    c,
                    subs[j],
                    items[j],
                    with_case[j],
                    lic_parts[j][1],
                    lic_parts[j][0],
                    evaluated[j],
                    cov[c]["主动评价覆盖部门率"],
                )
            )
    return tuple(out)


def _must(options: list, table: str, unit: str) -> list:
    if not options:
        raise AssertionError(f"{table} {unit}: no whole numerator prints as printed")
    return options


def _unit_options(table: str, unit: str, column: str, text: str, d: int) -> list[tuple[int, int, float]]:
    """The options of a unit with a fixed (printed) denominator. When no whole numerator prints as
    the printed figure, the two whole numbers around it (the 合计 fit picks one; exception recorded)."""
    o = _fixed_options(text, d)
    if o:
        return o
    v = printed_value(text, "pct2")
    lo, hi = (v - Fraction(1, 20000)) * d, (v + Fraction(1, 20000)) * d
    below = int(lo)  # floor; lo is not a whole number (else it would print)
    _PENDING[(table, unit, column)] = (
        text,
        f"{text} of {d} items needs a numerator in [{float(lo):.2f}, {float(hi):.2f}): no whole number",
    )
    near = [(k, d, 1e6 + abs(Fraction(k, d) - v)) for k in (below, below + 1) if 0 <= k <= d]
    return sorted(near, key=lambda x: x[2])


# --- table 15's department coverage (needs the roster) -------------------------------------------


def _dept_counts(roster, units: tuple[EventUnitCounts, ...]) -> dict[tuple[str, str], tuple[int, int]]:
    """(evaluated departments V, departments with items D) per event unit, 合计 rows fitted."""
    out = {}
    for t15, scope in (("t15a", "city_total"), ("t15b", "direct_county")):
        us = [u for u in units if u.scope == scope]
        opts = []
        for u in us:
            code = roster.region_by_name(u.name)
            avail = len(roster.unit_depts(scope, code))
            cap = min(avail, u.items)
            pref = max(1, round(DEPT_SHARE_WITH_ITEMS * cap))
            a = _code(u.dept_coverage_text)
            o = []
            for d in range(1, cap + 1):
                r = numerator_range(u.dept_coverage_text, d)
                if r:
                    o += [
                        (v, d, abs(d - pref) + abs(v - a * d / 10000))
                        for v in range(r[0], r[1] + 1)
                        if v <= u.evaluated and d - v <= u.items - u.evaluated
                    ]
            if not o:
                need = next(d for d in range(1, 10_000) if numerator_range(u.dept_coverage_text, d))
                # closest printable figure with the departments there are
                v = min(range(cap + 1), key=lambda v: abs(v / cap - a / 10000))
                o = [(v, cap, 0.0)]
                _exception(
                    t15,
                    u.name,
                    "主动评价覆盖部门率",
                    u.dept_coverage_text,
                    render_text(v, cap),
                    f"{u.dept_coverage_text} needs ≥ {need} departments with items "
                    f"(smallest: {numerator_range(u.dept_coverage_text, need)[0]}/{need}); the roster has "
                    f"{avail} departments in the unit; closest: {v}/{cap}",
                )
            opts.append(sorted(o, key=lambda x: x[2]))
        parts = _fit_total(t15, "主动评价覆盖部门率", opts, [u.name for u in us])
        for u, p in zip(us, parts):
            out[(scope, u.name)] = p
    return out


# --- the records ---------------------------------------------------------------------------------


def _take_top(rng: np.random.Generator, mask: np.ndarray, k: int, priority: np.ndarray | None = None) -> np.ndarray:
    """Indices of k items among `mask`, highest priority first (random order when None)."""
    idx = np.flatnonzero(mask)
    if k > len(idx):
        raise AssertionError(f"need {k} of {len(idx)}")
    p = rng.random(len(idx)) if priority is None else priority[idx]
    return idx[np.argsort(-p, kind="stable")[:k]]


def _alloc(rng: np.random.Generator, total: int, k: int, weights: np.ndarray | None = None) -> np.ndarray:
    """k sizes ≥ 1 adding up to total, roughly proportional to (lognormal) weights."""
    if k == 0:
        return np.zeros(0, dtype=np.int64)
    w = rng.lognormal(0.0, 0.9, k) if weights is None else weights.astype(float)
    share = (total - k) * w / w.sum()
    base = np.floor(share).astype(np.int64)
    rest = total - k - int(base.sum())
    base[np.argsort(-(share - base), kind="stable")[:rest]] += 1
    return base + 1


@dataclass
class _Block:
    """Per-item arrays of one unit, before the common attributes are drawn."""

    dept: np.ndarray  # index into roster.depts
    scope: str
    unit_code: str
    event_scope: str
    event_unit: str
    license: np.ndarray
    has_case: np.ndarray
    evaluated: np.ndarray
    complete: np.ndarray
    ua: np.ndarray | None = None  # None: draw
    zero_visit: np.ndarray | None = None
    instant: np.ndarray | None = None
    legal: np.ndarray | None = None  # with promised; -1 = draw
    promised: np.ndarray | None = None  # -2 = null, -1 = draw


def _province_blocks(rng: np.random.Generator, roster, dept_index: dict[str, int]) -> list[_Block]:
    blocks = []
    for pc_ in _province_counts():
        dept = roster.dept_by_name(pc_.name)
        n, li, ki = pc_.items, pc_.license, pc_.instant
        # item layout (then shuffled): 行政许可 [即办件 | other compression items | excluded] + others
        lic = np.arange(n) < li
        instant = np.where(lic, np.arange(n) < ki, -1).astype(np.int8)  # -1: drawn (not 行政许可)
        e = len(pc_.legal)
        legal = np.full(n, -1, dtype=np.int64)
        promised = np.full(n, -1, dtype=np.int64)
        legal[:e], promised[:e] = pc_.legal, pc_.promised
        ex = np.arange(e, e + pc_.excluded)  # outside the compression: legal 0, or promised not set
        zero_legal = rng.random(len(ex)) < 0.5
        legal[ex] = np.where(zero_legal, 0, LEGAL_DAYS[rng.integers(0, len(LEGAL_DAYS), len(ex))])
        promised[ex] = np.where(zero_legal & (rng.random(len(ex)) < 0.5), 0, -2)
        perm = rng.permutation(n)
        lic, instant, legal, promised = lic[perm], instant[perm], legal[perm], promised[perm]
        # items without a YTD case (table 10)
        has_case = np.ones(n, dtype=bool)
        has_case[_take_top(rng, lic, pc_.no_case_license)] = False
        has_case[_take_top(rng, ~lic, pc_.no_case - pc_.no_case_license)] = False
        # evaluated items (table 14): items with cases first
        evaluated = np.zeros(n, dtype=bool)
        evaluated[_take_top(rng, np.ones(n, bool), pc_.evaluated, has_case + rng.random(n))] = True
        zero_visit = np.zeros(n, dtype=bool)
        zero_visit[_take_top(rng, np.ones(n, bool), pc_.zero_visit)] = True
        blocks.append(
            _Block(
                dept=np.full(n, dept_index[dept.dept_id]),
                scope="province_dept",
                unit_code=dept.dept_id,
                event_scope="province_dept",
                event_unit=dept.dept_id,
                license=lic,
                has_case=has_case,
                evaluated=evaluated,
                complete=rng.random(n) < PROCESS_COMPLETE_PROVINCE,
                zero_visit=zero_visit,
                instant=instant,
                legal=legal,
                promised=promised,
            )
        )
    return blocks


def _local_block(
    rng: np.random.Generator, roster, dept_index: dict[str, int], u: EventUnitCounts, v_depts: int, d_depts: int
) -> list[_Block]:
    code = roster.region_by_name(u.name)
    # departments with items, per sub-unit, proportional to the sub-unit's departments
    members = [roster.unit_depts(s.scope, code) for s in u.subunits]
    avail = np.array([len(m) for m in members])
    caps = np.minimum(avail, [s.items for s in u.subunits])
    share = _alloc(rng, d_depts, len(members), np.maximum(avail - 1, 1e-9)) if len(members) > 1 else np.array([d_depts])
    share = np.minimum(share, caps)
    while share.sum() < d_depts:  # put the rest where there is room
        j = int(np.argmax(caps - share))
        share[j] += 1
    sub_of, dept_of, sizes = [], [], []
    for j, (s, m) in enumerate(zip(u.subunits, members)):
        core = np.array([d.kind in _CORE_KINDS for d in m])
        pick = np.sort(_take_top(rng, np.ones(len(m), bool), int(share[j]), rng.random(len(m)) + core))
        dept_of.append(np.array([dept_index[m[i].dept_id] for i in pick]))
        sizes.append(_alloc(rng, s.items, len(pick), rng.lognormal(0.0, 0.9, len(pick)) * (1 + 2 * core[pick])))
        sub_of.append(np.full(len(pick), j))
    dept_of, sizes, sub_of = np.concatenate(dept_of), np.concatenate(sizes), np.concatenate(sub_of)
    # evaluated departments: mostly the bigger ones; the others hold no evaluated item
    ev_dept = np.zeros(len(dept_of), dtype=bool)
    ev_dept[_take_top(rng, np.ones(len(dept_of), bool), v_depts, np.log(sizes) + rng.normal(0, 1.0, len(sizes)))] = True
    spare = u.items - u.evaluated  # items that can sit in unevaluated departments
    un = ~ev_dept
    if sizes[un].sum() > spare:  # shrink unevaluated departments, moving items within the sub-unit
        f = (spare - un.sum()) / float(sizes[un].sum() - un.sum())
        new = 1 + np.floor((sizes - 1) * f).astype(np.int64)
        for j in range(len(u.subunits)):
            m_un, m_ev = un & (sub_of == j), ev_dept & (sub_of == j)
            moved = int((sizes[m_un] - new[m_un]).sum())
            if moved:
                if not m_ev.any():
                    raise AssertionError(f"{u.name}: no evaluated department to take {moved} items")
                sizes[m_un] = new[m_un]
                sizes[np.flatnonzero(m_ev)[np.argmax(sizes[m_ev])]] += moved
    item_dept_pos = np.repeat(np.arange(len(dept_of)), sizes)
    first = np.r_[True, item_dept_pos[1:] != item_dept_pos[:-1]]
    in_ev = ev_dept[item_dept_pos]
    anchor = first & in_ev  # one evaluated item per evaluated department
    lic, has_case, evaluated = _deal_flags(rng, u, anchor, in_ev)
    # per sub-unit: process-complete and unified-acceptance items
    blocks = []
    item_sub = sub_of[item_dept_pos]
    for j, s in enumerate(u.subunits):
        m = item_sub == j
        k = int(m.sum())
        complete = np.zeros(k, dtype=bool)
        complete[rng.permutation(k)[: s.complete]] = True
        ua = np.zeros(k, dtype=bool)
        ua[rng.permutation(k)[: s.ua]] = True
        blocks.append(
            _Block(
                dept=dept_of[item_dept_pos[m]],
                scope=s.scope,
                unit_code=code,
                event_scope=u.scope,
                event_unit=code,
                license=lic[m],
                has_case=has_case[m],
                evaluated=evaluated[m],
                complete=complete,
                ua=ua,
            )
        )
    return blocks


def _deal_flags(
    rng: np.random.Generator, u: EventUnitCounts, anchor: np.ndarray, in_ev: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """行政许可, YTD-case and evaluated flags of one unit's items, exactly L, I (K of them 行政许可)
    and E; the evaluated items are the anchors (one per evaluated department) and others of
    evaluated departments only. Evaluated items have cases (E ≤ I), or, where the unit prints a
    higher coverage than incidence (E > I), the items with cases are evaluated ones: so the
    evaluated items without a YTD case are as few as the printed figures allow (max(0, E − I))."""
    n, L, I_case, K, E = u.items, u.license, u.with_case, u.license_with_case, u.evaluated
    V = int(anchor.sum())
    if E <= I_case:  # eL evaluated 行政许可 items, all with cases
        lo, hi = max(0, E - (I_case - K)), min(K, E)
        e_lic = int(np.clip(round(E * K / I_case) if I_case else 0, lo, hi))
    else:  # the K 行政许可 items with cases are evaluated ones
        lo, hi = max(K, E - (n - L)), min(L, E - (I_case - K))
        e_lic = int(np.clip(round(E * L / n), lo, hi))
    if lo > hi:
        raise AssertionError(f"{u.name}: no split of {E} evaluated items between 行政许可 and others")
    a_lic = int(np.clip(round(V * e_lic / E) if E else 0, max(0, V - (E - e_lic)), min(e_lic, V)))
    rest_ev = in_ev & ~anchor  # evaluated departments' other items
    n_rest = int(rest_ev.sum())
    # 行政许可 among rest_ev: at least the evaluated ones, at most all but the evaluated others
    need_lic, need_oth = e_lic - a_lic, (E - e_lic) - (V - a_lic)
    x_lo = max(need_lic, (L - a_lic) - int((~in_ev).sum()))
    x_hi = min(n_rest - need_oth, L - a_lic)
    x = int(np.clip(round((L - a_lic) * n_rest / max(n - V, 1)), x_lo, x_hi))
    lic = np.zeros(n, dtype=bool)
    lic[_take_top(rng, anchor, a_lic)] = True
    lic[_take_top(rng, rest_ev, x)] = True
    lic[_take_top(rng, ~in_ev, L - a_lic - x)] = True
    evaluated = anchor.copy()
    evaluated[_take_top(rng, rest_ev & lic, need_lic)] = True
    evaluated[_take_top(rng, rest_ev & ~lic, need_oth)] = True
    has_case = np.zeros(n, dtype=bool)
    if E <= I_case:
        has_case |= evaluated
        has_case[_take_top(rng, lic & ~evaluated, K - e_lic)] = True
        has_case[_take_top(rng, ~lic & ~evaluated, (I_case - K) - (E - e_lic))] = True
    else:
        has_case[_take_top(rng, lic & evaluated, K)] = True
        has_case[_take_top(rng, ~lic & evaluated, I_case - K)] = True
    return lic, has_case, evaluated


_CORE_KINDS = frozenset(
    (
        "nr",
        "housing",
        "health",
        "police",
        "civil",
        "hrss",
        "edu",
        "market",
        "service",
        "transport",
        "agri",
        "eco",
        "tax",
        "water",
        "culture",
        "emergency",
        "justice",
    )
)


_BUILT: dict[int, tuple[object, Items]] = {}


def item_exceptions(roster) -> list[dict]:
    """ITEM_EXCEPTIONS complete for this roster (table 15's department coverage depends on it)."""
    _dept_counts(roster, _local_counts())
    return list(ITEM_EXCEPTIONS)


def departments_needed() -> dict[tuple[str, str], int]:
    """Per table-15 unit ((t15a|t15b), printed name): the fewest departments with items whose
    printed 主动评价覆盖部门率 can be reproduced (the roster must give the unit at least that many)."""
    out = {}
    for u in _local_counts():
        table = "t15a" if u.scope == "city_total" else "t15b"
        out[(table, u.name)] = next(d for d in range(1, 100_000) if numerator_range(u.dept_coverage_text, d))
    return out


def build_items(roster) -> Items:
    """The calibrated service items, item steps and item plan (deterministic, scale-independent, cached)."""
    hit = _BUILT.get(id(roster))
    if hit is None or hit[0] is not roster:
        hit = _BUILT[id(roster)] = (roster, _build(roster))
    return hit[1]


def _build(roster) -> Items:
    rng = np.random.default_rng([ITEMS_SEED, 2])
    depts = roster.depts
    dept_index = {d.dept_id: i for i, d in enumerate(depts)}
    blocks = _province_blocks(rng, roster, dept_index)
    units = _local_counts()
    dcov = _dept_counts(roster, units)
    for u in units:
        v, d = dcov[(u.scope, u.name)]
        blocks += _local_block(rng, roster, dept_index, u, v, d)
    return _records(rng, roster, blocks, units, dcov)


def _records(rng: np.random.Generator, roster, blocks: list[_Block], units, dcov) -> Items:
    depts = roster.depts
    cat = lambda f: np.concatenate([getattr(b, f) for b in blocks])  # noqa: E731
    n_pub = sum(len(b.dept) for b in blocks)

    def opt(f, dtype, fill):
        return np.concatenate(
            [getattr(b, f) if getattr(b, f) is not None else np.full(len(b.dept), fill, dtype) for b in blocks]
        )

    dept = cat("dept")
    lic = cat("license")
    has_case, evaluated, complete = cat("has_case"), cat("evaluated"), cat("complete")
    ua = opt("ua", np.int8, -1)
    zero_visit = opt("zero_visit", np.int8, -1)
    instant = opt("instant", np.int8, -1)
    legal = opt("legal", np.int64, -1)
    promised = opt("promised", np.int64, -1)
    rep = lambda f: np.concatenate([np.full(len(b.dept), getattr(b, f), dtype=object) for b in blocks])  # noqa
    scope, unit_code, event_scope, event_unit = rep("scope"), rep("unit_code"), rep("event_scope"), rep("event_unit")
    published = np.ones(n_pub, dtype=bool)

    # unpublished rows (published = false): a few per department, attributes drawn like the rest
    depts_with = np.unique(dept)
    n_un = rng.binomial(np.bincount(dept, minlength=len(depts))[depts_with], UNPUBLISHED_SHARE)
    n_un = np.where(rng.random(len(n_un)) < 0.5, np.maximum(n_un, 1), n_un)
    un_dept = np.repeat(depts_with, n_un)
    m = len(un_dept)
    dept = np.r_[dept, un_dept]
    lic = np.r_[lic, rng.random(m) < LICENSE_SHARE_LOCAL]
    has_case = np.r_[has_case, np.zeros(m, bool)]
    evaluated = np.r_[evaluated, np.zeros(m, bool)]
    complete = np.r_[complete, rng.random(m) < 0.6]
    ua, zero_visit, instant = (np.r_[a, np.full(m, -1, np.int8)] for a in (ua, zero_visit, instant))
    legal, promised = (np.r_[a, np.full(m, -1, np.int64)] for a in (legal, promised))
    published = np.r_[published, np.zeros(m, bool)]
    n = len(dept)

    # the drawn attributes
    other_types = np.arange(1, len(ITEM_TYPES))
    w = np.array(R.ITEM_TYPE_WEIGHTS)[other_types]
    itype = np.where(lic, 0, rng.choice(other_types, n, p=w / w.sum()))
    p_instant = np.where(lic, 0.3, np.where(itype == len(ITEM_TYPES) - 1, 0.6, 0.45))
    instant = np.where(instant >= 0, instant == 1, rng.random(n) < p_instant)
    zero_visit = np.where(zero_visit >= 0, zero_visit == 1, rng.random(n) < ZERO_VISIT_LOCAL)
    is_prov = np.array([d.level == "province" for d in depts])[dept]
    ua = np.where(ua >= 0, ua == 1, rng.random(n) < np.where(is_prov, UA_PROVINCE, 0.8))
    draw = legal < 0
    d_legal = LEGAL_DAYS[rng.integers(0, len(LEGAL_DAYS), n)]
    d_legal = np.where(rng.random(n) < np.where(lic, 0.03, 0.3), 0, d_legal)
    c_item = np.clip(rng.uniform(0.3, 0.8, n), 0, 1)
    d_prom = np.where(instant, 0, np.minimum(d_legal, np.maximum(np.rint(d_legal * (1 - c_item)), 1))).astype(np.int64)
    d_prom = np.where(d_legal == 0, 0, d_prom)
    d_prom = np.where((rng.random(n) < 0.05) & ~instant, -2, d_prom)
    legal = np.where(draw, d_legal, legal)
    promised = np.where(draw | (promised == -1), d_prom, promised)
    promised = np.where((promised >= 0) & (promised > legal), legal, promised)  # promised ≤ legal always
    prom_null = promised == -2

    # process completeness: one failing rule per incomplete item
    defect = np.where(complete, -1, rng.choice(len(DEFECTS), n, p=DEFECT_P))
    defect = np.where((defect == 2) & prom_null, 0, defect)

    # order: by department (roster order), items of a department in random order
    order = np.lexsort((rng.random(n), dept))
    arrays = dict(
        dept=dept,
        lic=lic,
        has_case=has_case,
        evaluated=evaluated,
        published=published,
        itype=itype,
        instant=instant,
        zero_visit=zero_visit,
        ua=ua,
        legal=legal,
        promised=promised,
        prom_null=prom_null,
        defect=defect,
    )
    arrays = {k: v[order] for k, v in arrays.items()}
    pub_pos = order < n_pub  # rows that came from the published blocks
    src = order[pub_pos]
    dept, itype = arrays["dept"], arrays["itype"]

    # codes: region + type code + the department's number in its region + a sequence number
    first = np.r_[True, dept[1:] != dept[:-1]]
    seq = np.arange(n) - np.maximum.accumulate(np.where(first, np.arange(n), 0)) + 1
    dept_ids = pa.array([d.dept_id for d in depts])
    regions = pa.array([d.region_code for d in depts])
    ordinal: dict[str, int] = {}
    dept_no = []
    for d in depts:  # the department's number within its region
        ordinal[d.region_code] = ordinal.get(d.region_code, 0) + 1
        dept_no.append(f"{ordinal[d.region_code]:03d}")
    dept_no = pa.array(dept_no)
    type_codes = pa.array(R.ITEM_TYPE_CODES)
    codes = pc.binary_join_element_wise(
        regions.take(dept),
        type_codes.take(itype),
        dept_no.take(dept),
        pc.utf8_lpad(pc.cast(pa.array(seq), pa.string()), 5, "0"),
        "",
    )
    names = _names(rng, [d.kind for d in depts], dept, itype, arrays["lic"])
    result = pa.array([R.ITEM_TEMPLATES[t][1] for t in ITEM_TYPES]).take(itype)
    blank_result = arrays["defect"] == 3
    result = pc.if_else(
        pa.array(blank_result), pa.array(np.where(rng.random(n) < 0.5, None, " ").tolist(), pa.string()), result
    )
    prom = arrays["promised"]
    service_items = _table(
        "service_items",
        {
            "item_code": codes,
            "item_name": names,
            "dept_id": dept_ids.take(dept),
            "item_type": pa.array(ITEM_TYPES).take(itype),
            "published": pa.array(arrays["published"]),
            "handling_type": pa.array(np.where(arrays["instant"], "即办件", "承诺件")),
            "zero_visit": pa.array(arrays["zero_visit"]),
            "legal_limit_days": pa.array(arrays["legal"], pa.int64()),
            "promised_limit_days": pa.array(prom, pa.int64(), mask=arrays["prom_null"]),
            "result_spec": result,
            "unified_acceptance": pa.array(arrays["ua"]),
        },
    )
    item_steps = _steps(rng, codes, arrays)

    p = arrays["published"]
    plan = pa.table(
        {
            "item_code": codes.filter(pa.array(p)),
            "dept_id": dept_ids.take(dept[p]),
            "region_code": regions.take(dept[p]),
            "scope": pa.array(scope[src].tolist(), pa.string()),
            "unit_code": pa.array(unit_code[src].tolist(), pa.string()),
            "event_scope": pa.array(event_scope[src].tolist(), pa.string()),
            "event_unit": pa.array(event_unit[src].tolist(), pa.string()),
            "is_license": pa.array(arrays["lic"][p]),
            "has_ytd_case": pa.array(arrays["has_case"][p]),
            "has_active_eval": pa.array(arrays["evaluated"][p]),
        }
    )
    counts = {"province": _province_counts(), "local": units, "dept_coverage": dcov}
    return Items(service_items=service_items, item_steps=item_steps, plan=plan, counts=counts)


def _table(source: str, cols: dict) -> pa.Table:
    return pa.table({c: cols[c] for c in SOURCES_BY_NAME[source].column_names})


def _names(
    rng: np.random.Generator, kinds: list[str], dept: np.ndarray, itype: np.ndarray, lic: np.ndarray
) -> pa.Array:
    """Item names from the department's topics and the type's templates (reference.py), vectorised:
    every (kind, type) group's candidate names sit in one flat list; an item picks one of its group's."""
    kind_codes = sorted(set(kinds))
    kind_of_dept = np.array([kind_codes.index(k) for k in kinds])
    flat: list[str] = []
    offset = np.zeros((len(kind_codes), len(ITEM_TYPES)), dtype=np.int64)
    count = np.zeros_like(offset)
    for a, k in enumerate(kind_codes):
        topics = R.TOPICS.get(k) or R.TOPICS.get(_TOPIC_ALIAS.get(k, ""), R.TOPICS["service"])
        for b, t in enumerate(ITEM_TYPES):
            templates = R.ITEM_TEMPLATES[t][0]
            cands = [
                tpl.format(tp) + v
                for tpl in templates
                for tp in topics
                for v in (R.ITEM_VARIANTS if t == LICENSE else ("",))
            ]
            offset[a, b], count[a, b] = len(flat), len(cands)
            flat += cands
    g_kind = kind_of_dept[dept]
    idx = offset[g_kind, itype] + (rng.random(len(dept)) * count[g_kind, itype]).astype(np.int64)
    return pa.array(flat).take(idx)


def _steps(rng: np.random.Generator, codes: pa.Array, a: dict) -> pa.Table:
    """办理流程: 2 steps for 即办件, 3–5 otherwise; complete items pass every rule of CONTRACT §3,
    incomplete ones break exactly the rule of their defect."""
    defect, instant = a["defect"], a["instant"]
    n = len(defect)
    n_steps = np.where(instant, 2, rng.choice([3, 4, 5], n, p=[0.4, 0.4, 0.2]))
    n_steps = np.where(defect == 1, 0, n_steps)
    item = np.repeat(np.arange(n), n_steps)
    start = np.r_[0, np.cumsum(n_steps)[:-1]]
    k = np.arange(len(item)) - np.repeat(start, n_steps)
    ns = n_steps[item]
    flat = [s for m in (2, 3, 4, 5) for s in R.STEP_TEMPLATES[m]]
    tidx = np.cumsum([0, 2, 3, 4])[ns - 2] + k
    share = np.array([f[3] for f in flat])[tidx]
    promised, legal, prom_null = a["promised"][item], a["legal"][item], a["prom_null"][item]
    base = np.where(prom_null, np.where(legal > 0, legal, 10), promised)
    limit = np.floor(base * share).astype(np.int64)  # Σ ≤ base: floors of shares adding up to 1
    last = k == ns - 1
    d = defect[item]
    # over promised: the last step takes what is left and 1–5 days more
    sums = np.bincount(item, weights=limit, minlength=n).astype(np.int64)[item]
    limit = np.where(last & (d == 2), limit + (promised - sums) + 1 + rng.integers(0, 5, len(item)), limit)
    # one step per defective item breaks its rule: a random one
    bad_k = (rng.random(n) * np.maximum(n_steps, 1)).astype(np.int64)[item]
    bad = k == bad_k
    blank = pa.array(np.where(rng.random(len(item)) < 0.5, None, " ").tolist(), pa.string())
    names = pa.array([f[0] for f in flat]).take(tidx)
    handlers = pa.array([f[1] for f in flat]).take(tidx)
    criteria = pa.array([f[2] for f in flat]).take(tidx)
    handlers = pc.if_else(pa.array(bad & (d == 0)), blank, handlers)
    criteria = pc.if_else(pa.array(bad & (d == 4)), blank, criteria)
    names = pc.if_else(pa.array(bad & (d == 5)), blank, names)
    return _table(
        "item_steps",
        {
            "item_code": codes.take(item),
            "step_no": pa.array(k + 1, pa.int64()),
            "step_name": names,
            "handler": handlers,
            "time_limit_days": pa.array(limit, pa.int64(), mask=bad & (d == 6)),
            "review_criteria": criteria,
        },
    )


# the roster-independent exceptions are known at import
_province_counts()
_local_counts()

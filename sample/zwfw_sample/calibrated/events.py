"""Population, cases and evaluations of the calibrated world, at any scale.

The printed bulletin fixes, per reporting unit (a provincial department of tables 10/14, a city
含县区 of tables 11a/15a, a 省直管县 of tables 11b/15b), ratios of counts of records. This module
first decides the exact counts per unit (`unit_counts`), then draws records that have exactly
those counts (`iter_events`). Per unit, at the calibrated snapshot 2020-12-25:

    N  YTD cases (accepted_at in 2020-01-01 00:00:00 .. 2020-12-25 23:59:59)
    O  of which online or mobile                 t10/t11 办件网上受理率 = O/N
    Q  of which qc_passed                        t11 人均办件量 = Q/P (P = 2019 population)
    C  of which qc_passed and completed          t14/t15 主动评价率 = A/C
    A  YTD active evaluations (by evaluated_at)  t14/t15 主动评价总数
    K  of which with a known case_id             主动评价数据完整性 = K/A
    B  of which 差评 (rating ≤ 2); R rectified on time, W pending and not yet due:
                                                 差评按期整改率 = R/(B − W)

Every count is a whole number chosen with `fractions` so that the pipeline's rounding prints the
printed figure; the 合计 rows (ratios of sums) are then fitted by moving counts inside the range
that still prints each unit right (`_fit_sum`). Where the printed bulletin contradicts itself the
units are kept and the 合计 is listed in `EVENT_EXCEPTIONS` with its arithmetic.

Scale: at scale 1 the active evaluations are the printed counts and the population the real
2019 figures (see `population_2019`). At scale S every volume of a unit (cases, evaluations,
population) is S × its full size, except that a unit never goes below what its published items
need (each item flagged `has_ytd_case` gets ≥ 1 YTD case, each flagged `has_active_eval` ≥ 1
YTD active evaluation; the unit's whole volume then grows with it, so that its internal
proportions stay those of the real unit), nor below what its ratios need (33.33 % needs ≥ 3).

Events are single-version records (updated_at = their last change, never after 2020-12-25 for
the calibrated year) drawn per unit from a random stream keyed by (seed, unit): a delivery
window only filters them by updated_at, so weekly deltas add up to the backfill. After
2020-12-25 the world goes on week by week at each unit's rates (not calibrated).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from functools import cache, lru_cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from zwfw_contract.sources import SOURCES_BY_NAME
from zwfw_sample import reference as R
from zwfw_sample import world as W

from .fractions import (
    _interval,
    denominator_range,
    fraction_near,
    numerator_for,
    numerator_range,
    printed_value,
    render_text,
)
from .printed import total_row, unit_rows

__all__ = [
    "EVENT_EXCEPTIONS",
    "SNAPSHOT",
    "Unit",
    "UnitCounts",
    "build_population",
    "iter_events",
    "population_2019",
    "unit_counts",
    "units",
]

SNAPSHOT = dt.date(2020, 12, 25)
DAY = 86_400
NULL_TS = W.NULL_TS
_sec = W.seconds
YTD_START = _sec(dt.date(2020, 1, 1))
SNAP_END = _sec(SNAPSHOT) + DAY - 1
DEC_START = _sec(dt.date(2019, 12, 1))
CONT_START = SNAP_END + 1  # 2020-12-26 00:00:00: the uncalibrated continuation starts here
CHUNK = 1_000_000  # rows per yielded batch
UNIT_SEED_KEY = 4004

# Real 2019 year-end resident populations (CONTRACT §7).
REAL_2019 = {"410100": 10_352_000, "410181": 844_000, "410300": 6_922_200}

# Per-unit shares that the bulletin does not print (drawn once per unit, seed-independent).
QC_RANGE = (0.95, 0.995)  # qc_passed / cases
COMPLETED_RANGE = (0.90, 0.98)  # completed / qc_passed (provincial departments: no population)
DEFAULT_EVAL_SHARE = 0.05  # default (system) ratings per completed case
DEC2019_CASE_SHARE = 0.03  # December-2019 cases per YTD case
DEC2019_EVAL_SHARE = 0.3  # December-2019 active ratings per December case

EVENT_EXCEPTIONS: list[dict] = []  # filled by unit_counts(): printed 合计 the units contradict


# --- units -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    index: int
    group: str  # 'province' (t10/t14) | 'city' (t11a/t15a, city_total) | 'direct' (t11b/t15b)
    scope: str  # CONTRACT §4 scope
    code: str  # dept_id or region_code
    name: str
    dept_ids: tuple[str, ...]
    online: str  # printed texts
    per_head: str | None
    active: int
    rate: str
    completeness: str
    rectify: str


GROUPS = {"province": ("t10", "t14", None), "city": ("t11a", "t15a", "t11a"), "direct": ("t11b", "t15b", "t11b")}


def _name(row: dict) -> str:
    return list(row.values())[1].strip()


def _by_identity(fn):
    """Cache on the identity of the (unhashable, immutable) roster/items arguments."""
    memo: dict = {}

    def wrapper(*args):
        key = tuple(a if isinstance(a, (int, float, str)) else id(a) for a in args)
        hit = memo.get(key)
        if hit is None:
            if len(memo) > 8:
                memo.clear()
            hit = memo[key] = (args, fn(*args))  # args kept alive so their ids stay theirs
        return hit[1]

    wrapper.cache_clear = memo.clear
    return wrapper


@_by_identity
def units(roster) -> tuple[Unit, ...]:
    """The event units in print-source order: provincial departments (table 10 order), cities, 省直管县."""
    out: list[Unit] = []
    t10 = {_name(r): r for r in unit_rows("t10")}
    t14 = {_name(r): r for r in unit_rows("t14")}
    for name, r10 in t10.items():
        d = roster.dept_by_name(name)
        r14 = t14[name]
        out.append(
            Unit(
                len(out),
                "province",
                "province_dept",
                d.dept_id,
                name,
                (d.dept_id,),
                r10["办件网上受理率"],
                None,
                int(r14["主动评价总数"]),
                r14["主动评价率"],
                r14["主动评价数据完整性"],
                r14["差评按期整改率"],
            )
        )
    for group, scope, s11, s15 in (("city", "city_total", "t11a", "t15a"), ("direct", "direct_county", "t11b", "t15b")):
        r15 = {_name(r): r for r in unit_rows(s15)}
        for r11 in unit_rows(s11):
            name = _name(r11)
            code = roster.region_by_name(name)
            members = tuple(d.dept_id for d in roster.unit_depts(scope, code))
            r = r15[name]
            out.append(
                Unit(
                    len(out),
                    group,
                    scope,
                    code,
                    name,
                    members,
                    r11["办件网上受理率"],
                    r11["人均办件量（件）"],
                    int(r["主动评价总数"]),
                    r["主动评价率"],
                    r["主动评价数据完整性"],
                    r["差评按期整改率"],
                )
            )
    return tuple(out)


def _unit_of_dept(roster) -> dict[str, int]:
    return {d: u.index for u in units(roster) for d in u.dept_ids}


# --- exact counts ----------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitCounts:
    unit: Unit
    scale: float  # the unit's effective scale (≥ the requested one)
    items_case: int  # published items flagged has_ytd_case
    items_eval: int  # … has_active_eval
    cases: int
    online: int
    qc: int
    completed: int  # qc_passed and completed by the snapshot
    active: int
    known: int
    bad: int
    rectified_on_time: int
    pending_not_due: int
    population: int | None  # 2019, this unit's share at this scale (None for departments)


def _u01(*keys: int) -> float:
    return float(np.random.default_rng([UNIT_SEED_KEY, *keys]).random())


@lru_cache(maxsize=1 << 16)
def _value_cached(text: str, mode: str) -> float:
    return _value(text, mode)


@lru_cache(maxsize=1 << 16)
def _num_range(text: str, d: int, mode: str = "pct2") -> tuple[int, int] | None:
    """Cached `numerator_range`: pct2 figures here are shares (online of cases, known of active)."""
    return numerator_range(text, d, mode, share=mode == "pct2")


_den_range = lru_cache(maxsize=1 << 16)(denominator_range)


def _fit_sum(x: list[int], lo: list[int], hi: list[int], L: int, H: int) -> list[int] | None:
    """Move integers x_u inside [lo_u, hi_u] so that L ≤ Σx ≤ H (largest slack first), or None."""
    x = list(x)
    s = sum(x)
    if s < L:
        need = L - s
        for i in sorted(range(len(x)), key=lambda i: -(hi[i] - x[i])):
            step = min(need, hi[i] - x[i])
            x[i] += step
            need -= step
        return x if need == 0 else None
    if s > H:
        need = s - H
        for i in sorted(range(len(x)), key=lambda i: -(x[i] - lo[i])):
            step = min(need, x[i] - lo[i])
            x[i] -= step
            need -= step
        return x if need == 0 else None
    return x


@lru_cache(maxsize=1 << 12)
def _total_num_range(text: str, den: int) -> tuple[int, int]:
    r = _num_range(text, den)
    return r if r else (1, 0)


@lru_cache(maxsize=1 << 12)
def _total_den_range(text: str, num: int) -> tuple[int, int]:
    r = _den_range(text, num)
    return r if r else (1, 0)


def _tilt(values: list[float], base: list[float], lo: list[float], hi: list[float], target: float) -> list[float]:
    """Weights in [lo, hi] whose weighted mean of `values` is `target`, moved from `base` by one
    common fraction λ of the way to their extremes (the least uniform distortion)."""
    f0 = sum(w * (v - target) for w, v in zip(base, values))
    if f0 == 0:
        return list(base)
    ext = [(low if (v - target) * f0 > 0 else high) for v, low, high in zip(values, lo, hi)]
    slope = sum((e - w) * (v - target) for e, w, v in zip(ext, base, values))
    lam = 1.0 if slope == 0 else min(1.0, max(0.0, -f0 / slope))
    return [w + lam * (e - w) for w, e in zip(base, ext)]


def _value(text: str, mode: str = "pct2") -> float:
    if mode == "pct2" and text.strip() in ("-", "--", ""):
        return float("nan")
    v = printed_value(text, mode)
    return float(v) if v is not None else float("nan")


def population_2019() -> dict[str, int]:
    """Full-size 2019 populations: the real ones (CONTRACT §7) and reference.POPULATION, with the
    direct-admin counties' figures (approximate) moved inside the range that the printed figures
    of the county and of its city allow (completed QC-passed cases ≤ QC-passed cases). Where even
    that is not enough (固始县 in 信阳市), the city's remembered figure is raised minimally."""
    return dict(_population_full()[0])


@lru_cache(maxsize=1)
def _population_full() -> tuple[tuple[tuple[str, int], ...], tuple[tuple[str, int, int, str], ...]]:
    """(code → 2019 population, adjustments (code, reference, used, why))."""
    pop = {c: v[0] for c, v in R.POPULATION.items()}
    pop.update(REAL_2019)
    parent = {c: city for city, _, cs in R.CITIES for c, _ in R.counties_of(cs)}
    name_of = {c: n for c, n, _ in R.CITIES} | {c: n for _, _, cs in R.CITIES for c, n in R.counties_of(cs)}
    by_name = {}
    for s11, s15 in (("t11a", "t15a"), ("t11b", "t15b")):
        r15 = {_name(r): r for r in unit_rows(s15)}
        for r in unit_rows(s11):
            by_name[_name(r)] = (r["人均办件量（件）"], r15[_name(r)])

    def need(code: str) -> int:
        """Least population at which the per-head figure admits Q ≥ min C."""
        ph, r15 = by_name[name_of[code]]
        a = int(r15["主动评价总数"])
        c_min = _den_range(r15["主动评价率"], a)[0] if a else 0
        _, hi, _ = _interval(ph, "dec3")
        return math.floor(c_min / hi) + 1

    adjustments = []
    for d in R.DIRECT_ADMIN:
        city = parent[d]
        lo = need(d)
        hi = pop[city] - need(city)
        ref = pop[d]
        if d in REAL_2019:
            if not lo <= ref <= hi:
                raise AssertionError(f"real population of {d} contradicts the printed figures")
            continue
        if lo > hi:  # raise the city's (remembered) figure just enough
            new_city = need(city) + lo
            adjustments.append(
                (city, pop[city], new_city, f"{name_of[city]}: with {name_of[d]} ≥ {lo} the city needs ≥ {new_city}")
            )
            pop[city] = new_city
            hi = lo
        # keep some room on both sides where the range allows
        margin = (hi - lo) // 10
        used = min(max(ref, lo + margin), hi - margin)
        if used != ref:
            adjustments.append((d, ref, used, f"{name_of[d]}: printed figures allow {lo}..{hi}"))
        pop[d] = used
    return tuple(sorted(pop.items())), tuple(adjustments)


def _population_unit_full(code: str, pop: dict[str, int]) -> int:
    if code in R.DIRECT_ADMIN:
        return pop[code]
    return pop[code] - sum(pop[d] for d in R.DIRECT_ADMIN if _parent(d) == code)


@cache
def _parent(code: str) -> str:
    return {c: city for city, _, cs in R.CITIES for c, _ in R.counties_of(cs)}.get(code, "")


@_by_identity
def _unit_counts_cached(roster, items, scale: float) -> tuple[UnitCounts, ...]:
    us = units(roster)
    unit_of = _unit_of_dept(roster)
    plan = items.plan
    dept = plan.column("dept_id").to_pylist()
    yc = plan.column("has_ytd_case").to_pylist()
    ev = plan.column("has_active_eval").to_pylist()
    n_case = [0] * len(us)
    n_eval = [0] * len(us)
    for d, y, e in zip(dept, yc, ev):
        u = unit_of.get(d)
        if u is None:
            if y or e:
                raise ValueError(f"item of department {d} (no event unit) is flagged with events")
            continue
        n_case[u] += bool(y)
        n_eval[u] += bool(e)
    pop_full = dict(_population_full()[0])
    exceptions: list[dict] = []
    out: list[UnitCounts] = []
    for group in ("province", "city", "direct"):
        gu = [u for u in us if u.group == group]
        out += _group_counts(
            gu, [n_case[u.index] for u in gu], [n_eval[u.index] for u in gu], scale, pop_full, exceptions
        )
    EVENT_EXCEPTIONS[:] = _dedupe(EVENT_EXCEPTIONS + exceptions)
    return tuple(out)


def _dedupe(rows: list[dict]) -> list[dict]:
    seen, out = set(), []
    for r in rows:
        k = (r["table"], r["unit"], r["column"])
        if k not in seen:
            seen.add(k)
            out.append(r)
    return out


def unit_counts(roster, items, scale: float) -> tuple[UnitCounts, ...]:
    """The exact per-unit counts of the calibrated snapshot at `scale` (cached)."""
    if not 0 < scale <= 1:
        raise ValueError("scale must be in (0, 1]")
    return _unit_counts_cached(roster, items, float(scale))


def _group_counts(
    gu: list[Unit], n_case: list[int], n_eval: list[int], scale: float, pop_full: dict[str, int], exceptions: list[dict]
) -> list[UnitCounts]:
    group = gu[0].group
    s11, s15, _ = GROUPS[group]
    t11 = total_row(s11)
    t15 = total_row(s15)
    exact = scale >= 1.0
    k = len(gu)
    # full-size volumes (floats) and each unit's effective scale
    qc_share = [QC_RANGE[0] + (QC_RANGE[1] - QC_RANGE[0]) * _u01(1, u.index) for u in gu]
    done_share = [COMPLETED_RANGE[0] + (COMPLETED_RANGE[1] - COMPLETED_RANGE[0]) * _u01(2, u.index) for u in gu]
    A1 = [float(u.active) for u in gu]
    C1 = [u.active / _value(u.rate) if u.active else 0.0 for u in gu]
    P1 = [float(_population_unit_full(u.code, pop_full)) if group != "province" else 0.0 for u in gu]
    Q1 = [
        (_value(u.per_head, "dec3") * P1[i] if group != "province" else C1[i] / done_share[i]) for i, u in enumerate(gu)
    ]
    N1 = [Q1[i] / qc_share[i] for i in range(k)]
    for i, u in enumerate(gu):
        if u.online.strip() in ("-", "--"):
            if u.active or n_case[i]:
                raise ValueError(f"{u.name}: no YTD cases printed but events needed")
            N1[i] = Q1[i] = C1[i] = 0.0
    s, T = _weights(gu, n_case, n_eval, scale, exact, A1, C1, Q1, P1, N1, t11, t15)

    # 1. active evaluations A, known K (completeness), completed QC-passed cases C (rate)
    def a_ranges(i: int, a: int):
        u = gu[i]
        kr, cr = _num_range(u.completeness, a), _den_range(u.rate, a)
        if kr and cr and exact and group != "province":  # C ≤ the largest Q the fixed population allows
            cr = (cr[0], min(cr[1], _num_range(u.per_head, int(P1[i]), "dec3")[1]))
            cr = cr if cr[0] <= cr[1] else None
        return (kr, cr) if kr and cr else None

    A = [0] * k
    for i, u in enumerate(gu):
        if u.active:
            a = u.active if exact else max(round(s[i] * A1[i]), n_eval[i], 1)
            while a_ranges(i, a) is None:
                if exact:
                    raise AssertionError(f"{u.name}: printed {u.active} admits no exact ratios")
                a += 1
            A[i] = a
    live = [i for i in range(k) if gu[i].active]

    def a_fit(A):
        rk = {i: a_ranges(i, A[i]) for i in live}
        if any(v is None for v in rk.values()):
            return None, 10**12
        K = [numerator_for(gu[i].completeness, A[i]) if i in rk else 0 for i in range(k)]
        C = [min(max(round(A[i] / _value(gu[i].rate)), rk[i][1][0]), rk[i][1][1]) if i in rk else 0 for i in range(k)]
        Kr = [rk[i][0] if i in rk else (0, 0) for i in range(k)]
        Cr = [rk[i][1] if i in rk else (0, 0) for i in range(k)]
        gk = _gap(K, Kr, live, _total_num_range(t15["主动评价数据完整性"], sum(A)))
        gc = _gap(C, Cr, live, _total_den_range(t15["主动评价率"], sum(A)))
        return (K, Kr, C, Cr), abs(gk) / max(1, sum(A)) + abs(gc) / max(1, sum(C))

    fitted, gap = a_fit(A)
    if not exact:
        A, fitted, gap = _repair(A, live, a_fit, fitted, gap, lo=[max(n_eval[i], 1) for i in range(k)])
    K, Krng, C, Crng = fitted
    _fit(exceptions, s15, "主动评价数据完整性", t15, K, Krng, live, lambda x: (sum(x), sum(A)), "num")
    _fit(exceptions, s15, "主动评价率", t15, C, Crng, live, lambda x: (sum(A), sum(x)), "den")
    for i, u in enumerate(gu):  # C of units without active evaluations (rate printed '-')
        if not u.active and _value(u.rate) == _value(u.rate):
            C[i] = max(1, round(s[i] * C1[i]))

    # 2. QC-passed cases Q and population P
    Q, P = [0] * k, [None] * k
    if group == "province":
        for i in range(k):
            Q[i] = max(C[i], round(C[i] / done_share[i])) if C[i] else 0
    else:
        Qrng = []
        for i, u in enumerate(gu):
            if exact:
                p = int(P1[i])
                qr = _num_range(u.per_head, p, "dec3")
                qr = (max(qr[0], C[i]), qr[1])
                if qr[0] > qr[1]:
                    raise AssertionError(f"{u.name}: population {p} admits no Q ≥ C = {C[i]}")
            else:
                # population ≈ s·P1, then raised until a per-head numerator ≥ C exists
                p = max(1, round(s[i] * P1[i]))
                while True:
                    q, p = fraction_near(u.per_head, p, "dec3")
                    qr = _num_range(u.per_head, p, "dec3")
                    if qr[1] >= C[i]:
                        qr = (max(qr[0], C[i]), qr[1])
                        break
                    p = max(p + 1, math.ceil(C[i] / _value(u.per_head, "dec3")))
            P[i] = p
            Qrng.append(qr)
            target_q = _value(u.per_head, "dec3") * p
            Q[i] = min(max(round(target_q), qr[0]), qr[1])
        _fit(
            exceptions,
            s11,
            "人均办件量（件）",
            t11,
            Q,
            Qrng,
            list(range(k)),
            lambda x: (sum(x), sum(P)),
            "num",
            mode="dec3",
        )

    # 3. YTD cases N (weights of the online 合计) and online cases O
    Nmin = [max(Q[i], n_case[i]) for i in range(k)]
    Nbase = [max(Nmin[i], T[i]) for i in range(k)]
    live = [i for i in range(k) if gu[i].online.strip() not in ("-", "--")]
    N = [0] * k
    for i in live:
        n = max(Nmin[i], round(Nbase[i]))
        while not _num_range(gu[i].online, n):
            n += 1
        N[i] = n

    def n_fit(N):
        rr = {i: _num_range(gu[i].online, N[i]) for i in live}
        if any(v is None for v in rr.values()):
            return None, 10**12
        online = [numerator_for(gu[i].online, N[i]) if i in rr else 0 for i in range(k)]
        Orng = [rr.get(i, (0, 0)) for i in range(k)]
        g = _gap(online, Orng, live, _total_num_range(t11["办件网上受理率"], sum(N)))
        return (online, Orng), abs(g) / max(1, sum(N))

    fitted, gap = n_fit(N)
    N, fitted, gap = _repair(N, live, n_fit, fitted, gap, lo=Nmin)
    online, Orng = fitted
    _fit(exceptions, s11, "办件网上受理率", t11, online, Orng, live, lambda x: (sum(x), sum(N)), "num")

    # 4. 差评: B − W (the rectify denominator) and R
    D, Rr = _rectify(gu, A, s, exact, t15["差评按期整改率"], s15, exceptions)
    out = []
    for i, u in enumerate(gu):
        w = 0
        if A[i] >= 50 and _u01(3, u.index) < 0.5:
            w = 1 + int(_u01(4, u.index) * 3)
        w = min(w, A[i] - D[i])
        out.append(
            UnitCounts(u, s[i], n_case[i], n_eval[i], N[i], online[i], Q[i], C[i], A[i], K[i], D[i] + w, Rr[i], w, P[i])
        )
    return out


N_OVER_Q = {"province": (1.0, 1 / 0.75), "city": (1.0, 1 / 0.75), "direct": (1.0, 1 / 0.75)}  # N/Q


def _min_active(u: Unit, floor: int) -> int:
    """The least number of active evaluations ≥ floor whose completeness and rate can print."""
    a = max(floor, 1)
    while not (_num_range(u.completeness, a) and _den_range(u.rate, a)):
        a += 1
    return a


def _min_cases(u: Unit, floor: int) -> int:
    n = max(floor, 1)
    while not _num_range(u.online, n):
        n += 1
    return n


def _weights(gu, n_case, n_eval, scale, exact, A1, C1, Q1, P1, N1, t11, t15):
    """Each unit's scale s_u and case count t_u (floats) such that the 合计 rows' weighted means
    come out as printed, with the fewest records: a linear programme (HiGHS via scipy).

    Constraints, per 合计 (soft: a slack pays a large price, so a 合计 the printed units cannot
    give is missed by the least): Σ s·A1·(k − K*) = 0 (完整性), Σ s·A1·(1/r − 1/R*) = 0 (评价率),
    Σ t·(o − O*) = 0 (网上受理率), Σ s·P1·(p − P*) = 0 (人均, 省直管县 only: table 11a's 合计 cannot
    hold, see EVENT_EXCEPTIONS). Bounds: s ≥ scale and ≥ what the unit's items need (1 at scale 1);
    t/Q within N_OVER_Q, and t ≥ the items with cases."""
    from scipy.optimize import linprog

    k = len(gu)
    group = gu[0].group
    lo_f, hi_f = N_OVER_Q[group]
    base = list(Q1)
    s_lo = []
    for i in range(k):
        f = scale
        if A1[i]:
            f = max(f, _min_active(gu[i], n_eval[i]) / A1[i])
        if base[i]:
            f = max(f, _min_cases(gu[i], n_case[i]) / (base[i] * hi_f))
        s_lo.append(1.0 if exact else min(f, 1.0))
    s_hi = [1.0] * k
    rows = []
    live_a = [i for i in range(k) if A1[i]]
    if live_a:
        kk = _value(t15["主动评价数据完整性"])
        rows.append(([A1[i] * (_value(gu[i].completeness) - kk) if i in live_a else 0.0 for i in range(k)], [0.0] * k))
        rr = _value(t15["主动评价率"])
        rows.append(([A1[i] * (1 / _value(gu[i].rate) - 1 / rr) if i in live_a else 0.0 for i in range(k)], [0.0] * k))
    live_n = [i for i in range(k) if base[i] > 0]
    oo = _value(t11["办件网上受理率"])
    rows.append(([0.0] * k, [(_value(gu[i].online) - oo) if i in live_n else 0.0 for i in range(k)]))
    if group == "direct":
        pp = _value(t11["人均办件量（件）"], "dec3")
        rows.append(([P1[i] * (_value(gu[i].per_head, "dec3") - pp) for i in range(k)], [0.0] * k))
    m = len(rows)
    # variables: s (k), t (k), slack+ (m), slack- (m)
    size = sum(N1) * max(scale, 1e-6) + 1.0
    c = [A1[i] / size for i in range(k)] + [1.0 / size] * k + [1e9] * (2 * m)
    A_eq, b_eq = [], []
    for j, (ca, ct) in enumerate(rows):
        norm = max(1.0, sum(abs(x) for x in ca) + sum(abs(x) * base[i] for i, x in enumerate(ct))) * max(scale, 1e-3)
        sl = [0.0] * (2 * m)
        sl[j], sl[m + j] = 1.0, -1.0
        A_eq.append([x / norm for x in ca] + [x / norm for x in ct] + sl)
        b_eq.append(0.0)
    # t_u tied to s_u: lo_f·base·s ≤ t ≤ hi_f·base·s
    A_ub, b_ub = [], []
    for i in range(k):
        r1 = [0.0] * (2 * k + 2 * m)
        r1[i], r1[k + i] = lo_f * base[i], -1.0  # lo_f·base·s − t ≤ 0
        r2 = [0.0] * (2 * k + 2 * m)
        r2[i], r2[k + i] = -hi_f * base[i], 1.0  # t − hi_f·base·s ≤ 0
        A_ub += [r1, r2]
        b_ub += [0.0, 0.0]
    bounds = [(s_lo[i], max(s_lo[i], s_hi[i])) for i in range(k)]
    bounds += [
        (float(_min_cases(gu[i], n_case[i])) if base[i] > 0 else 0.0, None if base[i] > 0 else 0.0) for i in range(k)
    ]
    bounds += [(0, None)] * (2 * m)
    res = linprog(c, A_ub=A_ub, b_ub=b_ub, A_eq=A_eq, b_eq=b_eq, bounds=bounds, method="highs")
    if res.status != 0:
        raise AssertionError(f"{group}: weights LP failed: {res.message}")
    x = res.x
    return [float(v) for v in x[:k]], [float(v) for v in x[k : 2 * k]]


def _gap(x, rng, live, total) -> int:
    """How far Σx can get from the 合计's range [L, H] with x inside its ranges (0 = reachable)."""
    lo = sum(rng[i][0] for i in live)
    hi = sum(rng[i][1] for i in live)
    L, H = total
    if L > H:
        return 10**9
    if hi < L:
        return L - hi
    if lo > H:
        return H - lo
    return 0


def _repair(x, live, evaluate, fitted, gap, lo, rounds: int = 400):
    """Greedy integer repair of rounded weights: move one unit by ±1…±64 while the 合计 gap shrinks."""
    x = list(x)
    steps = (1, 2, 4, 8, 16, 32, 64)
    for _ in range(rounds):
        if gap == 0:
            break
        best = None
        for i in live:
            for st in steps:
                for sign in (1, -1):
                    y = list(x)
                    y[i] = x[i] + sign * max(1, st * max(1, x[i] // 1000))
                    if y[i] < max(lo[i], 1):
                        continue
                    f, g = evaluate(y)
                    if f is not None and g < gap and (best is None or g < best[2]):
                        best = (y, f, g)
        if best is None:
            break
        x, fitted, gap = best
    return x, fitted, gap


def _fit(exceptions, stem, column, total, x, rng, live, sums, kind, mode="pct2") -> None:
    """Fit the 合计 of one ratio by moving x (numerators or denominators) inside their ranges."""
    text = total[column]
    if not live:
        return
    if kind == "num":
        n, d = sums(x)
        L, H = _total_num_range(text, d) if mode == "pct2" else (_num_range(text, d, mode) or (1, 0))
    else:
        n, d = sums(x)
        L, H = _total_den_range(text, n)
    sub = _fit_sum([x[i] for i in live], [rng[i][0] for i in live], [rng[i][1] for i in live], L, H)
    if sub is None:
        # keep the units; the 合计 cannot print as printed
        n, d = sums(x)
        lo_all = sum(rng[i][0] for i in live)
        hi_all = sum(rng[i][1] for i in live)
        exceptions.append(
            {
                "table": stem,
                "unit": "合计",
                "column": column,
                "printed": text,
                "reproduced": render_text(n, d, mode),
                "arithmetic": (
                    f"units that print as printed give Σ{'numerators' if kind == 'num' else 'denominators'}"
                    f" in [{lo_all}, {hi_all}]; {text} needs [{L}, {H}] "
                    f"({'over Σdenominator' if kind == 'num' else 'with Σnumerator'} {d if kind == 'num' else n})"
                ),
            }
        )
        return
    for i, v in zip(live, sub):
        x[i] = v


def _rectify(gu, A, s, exact, total_text, stem, exceptions) -> tuple[list[int], list[int]]:
    """Denominators D = 差评 − pending-not-due and on-time numerators R per unit, 合计 exact.

    The printed rates need only small counts (table 15b's 合计 implies 44 差评 in all), so the
    counts are the smallest that print every unit and the 合计: units printing 100.00% take
    R = D and absorb what the 合计 needs; the others try their first few exact fractions.
    The same counts serve every scale (as long as a unit has that many active evaluations)."""
    import itertools

    k = len(gu)
    D, Rr = [0] * k, [0] * k
    live = [i for i in range(k) if gu[i].rectify.strip() not in ("-", "--") and A[i] > 0]
    if not live:
        return D, Rr
    full = [i for i in live if printed_value(gu[i].rectify, "pct2") == 1]
    other = [i for i in live if i not in full]

    def cands(i, limit=40):
        out = []
        for d in range(1, A[i] + 1):
            n = numerator_for(gu[i].rectify, d)
            if n is not None:
                out.append((n, d))
                if len(out) >= limit:
                    break
        return out

    lists = [cands(i) for i in other]
    lo, hi, _ = _interval(total_text, "pct2")
    best = None
    for combo in itertools.product(*lists):
        rf = sum(c[0] for c in combo)
        df = sum(c[1] for c in combo)
        x_min = len(full)
        x_max = sum(A[i] for i in full)
        # (rf + X)/(df + X) in [lo, hi): solve for whole X
        for x in _x_range(rf, df, lo, hi, x_min, x_max):
            cost = df + x
            if best is None or cost < best[0]:
                best = (cost, combo, x)
            break
    if best is None:
        exceptions.append(
            {
                "table": stem,
                "unit": "合计",
                "column": "差评按期整改率",
                "printed": total_text,
                "reproduced": "",
                "arithmetic": "no whole 差评 counts within the units' active evaluations print every unit and the 合计",
            }
        )
        for i, (n, d) in zip(other, [c[0] for c in lists]):
            Rr[i], D[i] = n, d
        for i in full:
            Rr[i] = D[i] = 1
        return D, Rr
    _, combo, x = best
    for i, (n, d) in zip(other, combo):
        Rr[i], D[i] = n, d
    # X over the 100% units, ≥ 1 each, proportional to their active evaluations, ≤ A
    if full:
        w = np.array([A[i] for i in full], dtype=float)
        alloc = np.ones(len(full), dtype=np.int64)
        rest = x - len(full)
        while rest > 0:
            room = np.array([A[i] for i in full]) - alloc
            share = np.floor(rest * w * (room > 0) / max((w * (room > 0)).sum(), 1)).astype(np.int64)
            share = np.minimum(share, room)
            if share.sum() == 0:
                j = int(np.argmax(np.where(room > 0, w, -1)))
                share[j] = 1
            alloc += share
            rest -= int(share.sum())
        for i, v in zip(full, alloc.tolist()):
            Rr[i] = D[i] = v
    return D, Rr


def _x_range(rf: int, df: int, lo: Fraction, hi: Fraction, x_min: int, x_max: int):
    """Whole X in [x_min, x_max] with (rf + X)/(df + X) in [lo, hi), smallest first."""
    if x_min > x_max:
        return
    # (rf+X) >= lo (df+X)  <=>  X (1-lo) >= lo·df − rf
    if lo < 1:
        a = max(x_min, math.ceil((lo * df - rf) / (1 - lo)))
    else:
        a = x_min if rf >= df else x_max + 1
    for x in range(a, min(x_max, a + 3) + 1):
        if df + x > 0 and lo <= Fraction(rf + x, df + x) < hi:
            yield x


# --- population ------------------------------------------------------------------------------


def build_population(roster, scale: float, items=None) -> pa.Table:
    """CONTRACT §3 population for 2019 and 2020 at `scale`.

    2019: per city the city_total share (the unit's population, chosen with the per-head figure)
    plus its direct-admin counties; 2020: the 2019 figure × the reference's 2020/2019 growth."""
    from . import items as I  # noqa: N812  (built by another module; cached there)

    items = items if items is not None else I.build_items(roster)
    counts = {c.unit.code: c for c in unit_counts(roster, items, scale)}
    pop19: dict[str, int] = {}
    for d in R.DIRECT_ADMIN:
        pop19[d] = counts[d].population
    for city, _, _ in R.CITIES:
        pop19[city] = counts[city].population + sum(pop19[d] for d in R.DIRECT_ADMIN if _parent(d) == city)
    pop19[R.PROVINCE_CODE] = max(round(R.POPULATION[R.PROVINCE_CODE][0] * scale), sum(pop19[c] for c, _, _ in R.CITIES))
    rows = []
    for year in (2019, 2020):
        for code in sorted(pop19):
            v = pop19[code]
            if year == 2020:
                a, b = R.POPULATION[code]
                v = max(1, round(v * b / a))
            rows.append((code, year, v))
    names = SOURCES_BY_NAME["population"].column_names
    return pa.table(
        {
            names[0]: [r[0] for r in rows],
            names[1]: pa.array([r[1] for r in rows], pa.int64()),
            names[2]: pa.array([r[2] for r in rows], pa.int64()),
        }
    )


# --- records ---------------------------------------------------------------------------------

# 2020-like seasonality and weekdays (world.py), over the calibrated YTD days.
_YTD_DAYS = (SNAP_END + 1 - YTD_START) // DAY


def _day_p(start: int, n_days: int) -> np.ndarray:
    days = start // DAY + np.arange(n_days)
    month = days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64) % 12
    w = W.MONTH_FACTOR[month] * W.WEEKDAY_WEIGHT[(days + 3) % 7]
    return w / w.sum()


_P_YTD = _day_p(YTD_START, _YTD_DAYS)
_P_DEC = _day_p(DEC_START, 31)
_CHANNELS = pa.array(["online", "mobile", "window", "kiosk", "other"])


@dataclass
class _UnitItems:
    codes: np.ndarray  # object array of item codes (published items of the unit, then orphans)
    dept: np.ndarray  # dept_id per code
    case_idx: np.ndarray  # indices of codes that get YTD cases
    eval_idx: np.ndarray  # … YTD active evaluations


def _unit_items(u: Unit, plan_rows: dict[str, list[tuple[str, bool, bool]]], counts: UnitCounts) -> _UnitItems:
    codes, dept, yc, ev = [], [], [], []
    for d in u.dept_ids:
        for code, y, e in plan_rows.get(d, ()):
            codes.append(code), dept.append(d), yc.append(y), ev.append(e)
    owner = next((d for d in u.dept_ids if d in plan_rows), u.dept_ids[0])
    case_idx = np.flatnonzero(np.array(yc, bool)) if yc else np.zeros(0, np.int64)
    eval_idx = np.flatnonzero(np.array(ev, bool)) if ev else np.zeros(0, np.int64)
    # Counts the published items cannot carry (cases or ratings of a department all of whose
    # published items are flagged without them) go to codes outside the publication library.
    if counts.cases and not len(case_idx):
        case_idx = np.arange(len(codes), len(codes) + 2)
        codes += [f"{owner}-X{j}" for j in (1, 2)]
        dept += [owner] * 2
    if counts.active and not len(eval_idx):
        eval_idx = np.arange(len(codes), len(codes) + 2)
        codes += [f"{owner}-Y{j}" for j in (1, 2)]
        dept += [owner] * 2
    return _UnitItems(np.array(codes, dtype=object), np.array(dept, dtype=object), case_idx, eval_idx)


def _spread(rng, n: int, idx: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    """n draws over idx, each index at least once (n ≥ len(idx)), the rest by weight."""
    if n == 0:
        return np.zeros(0, np.int64)
    k = len(idx)
    w = rng.gamma(0.6, 1.0, k) if weights is None else weights.astype(float) + 1e-9
    extra = rng.multinomial(n - k, w / w.sum()) if n > k else np.zeros(k, np.int64)
    out = np.repeat(idx, 1 + extra) if n >= k else rng.choice(idx, n, replace=False)
    return rng.permutation(out)


def _times(rng, p: np.ndarray, start: int, n: int, online: np.ndarray | None = None) -> np.ndarray:
    day = start + rng.choice(len(p), n, p=p) * DAY
    if online is None:
        return day + rng.integers(8 * 3600 + 1800, 17 * 3600 + 1800, n)
    return day + np.where(
        online, rng.integers(7 * 3600, 23 * 3600, n), rng.integers(8 * 3600 + 1800, 17 * 3600 + 1800, n)
    )


def _lag(rng, accepted: np.ndarray, cap: int) -> np.ndarray:
    n = len(accepted)
    same = rng.random(n) < 0.4
    day0 = accepted - accepted % DAY
    t = np.where(
        same,
        np.minimum(accepted + rng.integers(300, 7200, n), day0 + DAY - 1),
        day0 + rng.integers(1, 21, n) * DAY + rng.integers(9 * 3600, 17 * 3600 + 1800, n),
    )
    return np.maximum(np.minimum(t, cap), accepted)


def _choose(rng, n_total: int, k: int) -> np.ndarray:
    """A boolean mask with exactly k of n_total set."""
    m = np.zeros(n_total, bool)
    if k:
        m[rng.choice(n_total, k, replace=False)] = True
    return m


def _unit_year(u: Unit, c: UnitCounts, it: _UnitItems, seed: int) -> tuple[dict, dict]:
    """The unit's calibrated records (December 2019 and 2020 up to the snapshot) as numpy columns."""
    rng = np.random.default_rng([seed, 41, u.index])
    N, Q, C = c.cases, c.qc, c.completed
    # YTD cases
    item = _spread(rng, N, it.case_idx)
    online = _choose(rng, N, c.online)
    cls = np.full(N, 2, np.int8)
    order = rng.permutation(N)
    cls[order[:C]] = 0
    cls[order[C:Q]] = 1
    accepted = _times(rng, _P_YTD, YTD_START, N, online)
    done = (cls == 0) | ((cls == 2) & (rng.random(N) < 0.8))
    completed = np.where(done, _lag(rng, accepted, SNAP_END), NULL_TS)
    # December 2019: a share of the volume, plus one completed case for every item rated in
    # 2020 that has no completed 2020 case (so that its ratings can name a known case)
    has_done = np.zeros(len(it.codes), bool)
    has_done[item[completed != NULL_TS]] = True
    need = it.eval_idx[~has_done[it.eval_idx]] if c.active else np.zeros(0, np.int64)
    m = round(N * DEC2019_CASE_SHARE)
    all_idx = np.unique(np.r_[it.case_idx, it.eval_idx]) if len(it.codes) else np.zeros(0, np.int64)
    dec_item = np.r_[need, rng.choice(all_idx, m) if len(all_idx) and m else np.zeros(0, np.int64)].astype(np.int64)
    md = len(dec_item)
    dec_online = rng.random(md) < (c.online / N if N else 0.5)
    dec_acc = _times(rng, _P_DEC, DEC_START, md, dec_online)
    dec_done = _lag(rng, dec_acc, _sec(dt.date(2020, 1, 15)))
    cases = {
        "item": np.r_[item, dec_item],
        "online": np.r_[online, dec_online],
        "qc": np.r_[cls <= 1, rng.random(md) < 0.97],
        "accepted": np.r_[accepted, dec_acc],
        "completed": np.r_[completed, dec_done],
        "seq": np.arange(N + md),
        "tag": np.r_[np.full(N, 0), np.full(md, 1)],
    }
    cases["channel"] = _channel(rng, cases["online"])
    cases["updated"] = np.where(cases["completed"] != NULL_TS, cases["completed"], cases["accepted"])

    # YTD active ratings
    A, K = c.active, c.known
    done_all = np.flatnonzero(cases["completed"] != NULL_TS)
    cnt = np.bincount(cases["item"][done_all], minlength=len(it.codes))
    e_item = _spread(rng, A, it.eval_idx, cnt[it.eval_idx] if len(it.eval_idx) else None)
    known = _choose(rng, A, K)
    # a random completed case of the same item
    by_item = done_all[np.argsort(cases["item"][done_all], kind="stable")]
    start = np.r_[0, np.cumsum(cnt)[:-1]]
    pick = (
        by_item[start[e_item] + (rng.random(A) * np.maximum(cnt[e_item], 1)).astype(np.int64)]
        if A
        else np.zeros(0, np.int64)
    )
    base = cases["completed"][pick] if A else np.zeros(0, np.int64)
    ev_known = np.minimum(base + np.minimum(rng.exponential(4 * 3600, A).astype(np.int64), 3 * DAY), SNAP_END)
    ev_known = np.where(ev_known < YTD_START, YTD_START + rng.integers(0, 5 * DAY, A), ev_known)
    evaluated = np.where(known, ev_known, _times(rng, _P_YTD, YTD_START, A))
    # 差评: W pending and not yet due (rated on 12-19 or later), D = B − W rated by 12-17
    w_first = _sec(dt.date(2020, 12, 19))
    d_last = _sec(dt.date(2020, 12, 18)) - 1
    D = c.bad - c.pending_not_due
    floor_t = np.where(known, base, YTD_START)  # a rating never precedes its case
    bad = np.zeros(A, np.int8)  # 0 none, 1 pending-not-due, 2 on time, 3 late
    late_ok = floor_t <= d_last
    free = np.ones(A, bool)
    for kind, count, eligible in ((1, c.pending_not_due, evaluated >= w_first), (2, D, evaluated <= d_last)):
        if not count:
            continue
        pool = np.flatnonzero(eligible & free)
        if len(pool) < count:  # move other ratings into the window
            extra = np.flatnonzero(~eligible & free & (late_ok if kind == 2 else True))
            extra = rng.choice(extra, count - len(pool), replace=False)
            if kind == 1:
                evaluated[extra] = np.maximum(w_first + rng.integers(0, 7 * DAY, len(extra)), floor_t[extra])
                evaluated[extra] = np.minimum(evaluated[extra], SNAP_END)
            else:
                lo = np.maximum(floor_t[extra], YTD_START)
                evaluated[extra] = lo + (rng.random(len(extra)) * (d_last - lo)).astype(np.int64)
            pool = np.r_[pool, extra]
        chosen = rng.choice(pool, count, replace=False)
        bad[chosen] = kind
        free[chosen] = False
    d_idx = np.flatnonzero(bad == 2)
    bad[d_idx[rng.permutation(len(d_idx)) >= c.rectified_on_time]] = 3
    due = np.where(bad > 0, evaluated - evaluated % DAY + 8 * DAY - 1, NULL_TS)
    on_time = evaluated + 3600 + (rng.random(A) * np.maximum(due - evaluated - 3600, 0)).astype(np.int64)
    late_t = due + rng.integers(DAY, 10 * DAY, A)
    late_fix = (rng.random(A) < 0.5) & (late_t <= SNAP_END)
    rectified = np.where(bad == 2, on_time, np.where((bad == 3) & late_fix, late_t, NULL_TS))
    rating = np.where(bad > 0, rng.integers(1, 3, A), rng.choice([5, 4, 3], A, p=[0.9, 0.07, 0.03]))

    # default ratings of 2020 cases, active ratings of December 2019 cases (outside the YTD window)
    ytd_done = np.flatnonzero((cases["tag"] == 0) & (cases["completed"] != NULL_TS))
    dflt = ytd_done[rng.random(len(ytd_done)) < DEFAULT_EVAL_SHARE]
    dflt_t = cases["completed"][dflt] + 5 * DAY
    dflt = dflt[dflt_t <= SNAP_END]
    dec_cases = np.flatnonzero(cases["tag"] == 1)
    dec_ev = dec_cases[rng.random(len(dec_cases)) < DEC2019_EVAL_SHARE]
    dec_t = cases["completed"][dec_ev] + rng.integers(600, 2 * DAY, len(dec_ev))
    dec_ev = dec_ev[dec_t < YTD_START]
    dec_t = dec_t[dec_t < YTD_START]
    nd, ne = len(dflt), len(dec_ev)
    evals = {
        "item": np.r_[e_item, cases["item"][dflt], cases["item"][dec_ev]],
        "case": np.r_[np.where(known, pick, -1), dflt, dec_ev],
        "unknown_null": np.r_[rng.random(A) < 0.5, np.zeros(nd + ne, bool)],
        "active": np.r_[np.ones(A, bool), np.zeros(nd, bool), np.ones(ne, bool)],
        "rating": np.r_[rating, np.full(nd, 5), rng.choice([5, 4, 3], ne, p=[0.9, 0.07, 0.03])],
        "evaluated": np.r_[evaluated, cases["completed"][dflt] + 5 * DAY, dec_t],
        "due": np.r_[due, np.full(nd + ne, NULL_TS)],
        "rectified": np.r_[rectified, np.full(nd + ne, NULL_TS)],
        "seq": np.arange(A + nd + ne),
        "tag": np.r_[np.full(A + nd, 0), np.full(ne, 1)],
    }
    evals["updated"] = np.where(evals["rectified"] != NULL_TS, evals["rectified"], evals["evaluated"])
    return cases, evals


def _channel(rng, online: np.ndarray) -> np.ndarray:
    n = len(online)
    v = rng.random(n)
    return np.where(online, np.where(v < 0.7, 0, 1), np.where(v < 0.85, 2, np.where(v < 0.95, 3, 4))).astype(np.int8)


def _unit_week(u: Unit, c: UnitCounts, it: _UnitItems, seed: int, week: int) -> tuple[dict, dict]:
    """One week after the calibrated snapshot at the unit's rates (not calibrated)."""
    rng = np.random.default_rng([seed, 43, u.index, week])
    start = CONT_START + week * 7 * DAY
    n = int(rng.poisson(c.cases * 7 / _YTD_DAYS)) if c.cases else 0
    idx = it.case_idx
    item = rng.choice(idx, n) if n and len(idx) else np.zeros(0, np.int64)
    n = len(item)
    online = rng.random(n) < (c.online / c.cases if c.cases else 0)
    accepted = _times(rng, _day_p(start, 7), start, n, online)
    qc = rng.random(n) < (c.qc / c.cases if c.cases else 1)
    done = rng.random(n) < (c.completed / c.qc if c.qc else 0.9)
    completed = np.where(done, _lag(rng, accepted, start + 60 * DAY), NULL_TS)
    cases = {
        "item": item,
        "online": online,
        "qc": qc,
        "accepted": accepted,
        "completed": completed,
        "seq": np.arange(n),
        "tag": np.full(n, 2 + week),
        "channel": _channel(rng, online),
    }
    cases["updated"] = np.where(completed != NULL_TS, completed, accepted)
    rate = min(1.0, c.active / c.completed) if c.completed else 0.0
    ev = np.flatnonzero(done & qc & (rng.random(n) < rate))
    m = len(ev)
    bad = rng.random(m) < (c.bad / c.active if c.active else 0)
    evaluated = completed[ev] + rng.integers(600, 2 * DAY, m)
    due = np.where(bad, evaluated - evaluated % DAY + 8 * DAY - 1, NULL_TS)
    rect = np.where(bad & (rng.random(m) < 0.9), evaluated + rng.integers(3600, 6 * DAY, m), NULL_TS)
    evals = {
        "item": item[ev],
        "case": ev,
        "unknown_null": np.zeros(m, bool),
        "active": np.ones(m, bool),
        "rating": np.where(bad, rng.integers(1, 3, m), 5),
        "evaluated": evaluated,
        "due": due,
        "rectified": rect,
        "seq": np.arange(m),
        "tag": np.full(m, 2 + week),
    }
    evals["updated"] = np.where(rect != NULL_TS, rect, evaluated)
    return cases, evals


_TAGS = {0: "20", 1: "19"}


def _tag(t: int) -> str:
    return _TAGS.get(t, f"W{t - 2:03d}")


def _ids(prefix: str, u: Unit, tag: np.ndarray, seq: np.ndarray) -> pa.Array:
    tags = pa.array([_tag(int(t)) for t in np.unique(tag)]) if len(tag) else pa.array([], pa.string())
    uniq, inv = np.unique(tag, return_inverse=True)
    tag_s = pc.take(tags, pa.array(inv.astype(np.int32)))
    return pc.binary_join_element_wise(
        pa.scalar(f"{prefix}{u.index:03d}"), tag_s, pc.utf8_lpad(pc.cast(pa.array(seq), pa.string()), 9, "0"), ""
    )


def _region_int(dept_ids: np.ndarray, region_of: dict[str, str]) -> np.ndarray:
    uniq, inv = np.unique(dept_ids.astype(str), return_inverse=True)
    return np.array([int(region_of[d]) for d in uniq], np.int64)[inv]


def _emit(
    u: Unit, it: _UnitItems, cases: dict, evals: dict, key: tuple, lo: int, hi: int, region_of
) -> Iterator[tuple[str, pa.Table]]:
    """Typed batches of the records whose updated_at is in [lo, hi]. PII is drawn per chunk of
    the unit's records before the window filter, so a record looks the same in every delivery."""
    keep_c = (cases["updated"] >= lo) & (cases["updated"] <= hi)
    for s in range(0, len(keep_c), CHUNK):
        sl = slice(s, s + CHUNK)
        m = keep_c[sl]
        if not m.any():
            continue
        rng = np.random.default_rng([*key, 1, s])
        full = cases["item"][sl]
        pii = {k: v[m] for k, v in W._pii(rng, len(full), _region_int(it.dept[full], region_of)).items()}
        sel = {k: v[sl][m] for k, v in cases.items()}
        depts = it.dept[sel["item"]]
        yield (
            "cases",
            W._table(
                "cases",
                {
                    "case_id": _ids("C", u, sel["tag"], sel["seq"]),
                    "item_code": pa.array(it.codes[sel["item"]].tolist(), pa.string()),
                    "dept_id": pa.array(depts.tolist(), pa.string()),
                    "channel": pc.take(_CHANNELS, pa.array(sel["channel"].astype(np.int32))),
                    "accepted_at": W.ts_array(sel["accepted"]),
                    "completed_at": W.ts_array(sel["completed"]),
                    "qc_passed": pa.array(sel["qc"]),
                    "applicant_id": W.id_numbers(pii["id17"]),
                    "applicant_name": W.person_names(pii["sur"], pii["g1"], pii["g2"]),
                    "applicant_phone": pc.cast(pa.array(pii["phone"]), pa.string()),
                    "updated_at": W.ts_array(sel["updated"]),
                },
            ),
        )
    keep_e = (evals["updated"] >= lo) & (evals["updated"] <= hi)
    for s in range(0, len(keep_e), CHUNK):
        sl = slice(s, s + CHUNK)
        m = keep_e[sl]
        if not m.any():
            continue
        rng = np.random.default_rng([*key, 2, s])
        full = evals["item"][sl]
        nf = len(full)
        draws = W._pii(rng, nf, _region_int(it.dept[full], region_of))
        draws |= {
            "unk": rng.integers(0, 10**10, nf),
            "ct": rng.integers(0, 100, nf),
            "fd": rng.integers(3, 40, nf),
            "cu": rng.random(nf),
        }
        draws = {k: v[m] for k, v in draws.items()}
        sel = {k: v[sl][m] for k, v in evals.items()}
        n = len(sel["seq"])
        depts = it.dept[sel["item"]]
        linked = sel["case"] >= 0
        case_ref = (
            _ids("C", u, cases["tag"][np.maximum(sel["case"], 0)], cases["seq"][np.maximum(sel["case"], 0)])
            if n
            else pa.array([], pa.string())
        )
        unknown = pc.binary_join_element_wise(
            pa.scalar("ZW"), pc.utf8_lpad(pc.cast(pa.array(draws["unk"]), pa.string()), 10, "0"), ""
        )
        case_id = pc.if_else(
            pa.array(linked), case_ref, pc.if_else(pa.array(sel["unknown_null"]), pa.nulls(n, pa.string()), unknown)
        )
        pii = draws
        kind = np.where(sel["rating"] <= 2, 2, np.where(sel["rating"] == 3, 1, 0))
        cm = {
            "seq": sel["seq"],
            "comment_kind": kind,
            "comment_t": draws["ct"],
            "filler_days": draws["fd"],
            "c_sur": pii["sur"],
            "c_g1": pii["g1"],
            "c_g2": pii["g2"],
            "c_phone": pii["phone"],
            "has_comment": sel["active"] & ((kind == 2) | (draws["cu"] < np.where(kind == 1, 0.6, 0.3))),
        }
        yield (
            "evaluations",
            W._table(
                "evaluations",
                {
                    "eval_id": _ids("E", u, sel["tag"], sel["seq"]),
                    "case_id": case_id,
                    "item_code": pa.array(it.codes[sel["item"]].tolist(), pa.string()),
                    "dept_id": pa.array(depts.tolist(), pa.string()),
                    "source": pc.if_else(pa.array(sel["active"]), "active", "default"),
                    "rating": pa.array(sel["rating"].astype(np.int64)),
                    "evaluated_at": W.ts_array(sel["evaluated"]),
                    "rectify_due_at": W.ts_array(sel["due"]),
                    "rectified_at": W.ts_array(sel["rectified"]),
                    "evaluator_id": W.id_numbers(pii["id17"]),
                    "comment": W._comments(cm),
                    "updated_at": W.ts_array(sel["updated"]),
                },
            ),
        )


def iter_events(
    roster, items, scale: float, window_start: dt.datetime, window_end: dt.datetime, seed: int
) -> Iterator[tuple[str, pa.Table]]:
    """('cases' | 'evaluations', batch) of every record with window_start ≤ updated_at ≤ window_end,
    unit by unit (each unit's records drawn from its own stream, so any window is a filter)."""
    lo, hi = _sec(window_start), _sec(window_end)
    counts = unit_counts(roster, items, scale)
    plan = items.plan
    plan_rows: dict[str, list] = {}
    for code, d, y, e in zip(
        plan.column("item_code").to_pylist(),
        plan.column("dept_id").to_pylist(),
        plan.column("has_ytd_case").to_pylist(),
        plan.column("has_active_eval").to_pylist(),
    ):
        plan_rows.setdefault(d, []).append((code, bool(y), bool(e)))
    region_of = {d.dept_id: d.region_code for d in roster.depts}
    weeks = max(0, (hi - CONT_START) // (7 * DAY) + 1) if hi >= CONT_START else 0
    for c in counts:
        u = c.unit
        it = _unit_items(u, plan_rows, c)
        if lo <= SNAP_END and hi >= DEC_START:
            cases, evals = _unit_year(u, c, it, seed)
            yield from _emit(u, it, cases, evals, (seed, 47, u.index, 0), lo, hi, region_of)
        for w in range(weeks):
            cases, evals = _unit_week(u, c, it, seed, w)
            yield from _emit(u, it, cases, evals, (seed, 47, u.index, 2 + w), lo, hi, region_of)

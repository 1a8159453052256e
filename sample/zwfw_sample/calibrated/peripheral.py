"""The small sources of the calibrated world: e-seals, licences, sign-on systems, branch halls, tickets.

Their printed figures are counts of things that do not grow with the volume of cases, so they are
reproduced exactly at every scale (docs/CALIBRATION.md): tables 4–7 (licence types, statuses,
sealed departments), 12–13 (systems not yet integrated), 16–17 (咨询投诉) and 18 (分厅事项).
Every target is read from the printed tables (`printed.py`); nothing printed is copied here.
Print-order and tie rules the pipeline applies are listed as exceptions in `exceptions.py`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from zwfw_contract.sources import SOURCES_BY_NAME
from zwfw_sample import reference as R
from zwfw_sample.uscc import USCC_CHARSET
from zwfw_sample.world import DAY, NULL_TS, person_names, seconds, ts_array

from .fractions import numerator_for, printed_value, prints_as
from .printed import printed_table, total_row, unit_rows
from .roster import Dept, Roster

CALIBRATION_DATE = dt.date(2020, 12, 25)
_PERIPHERAL_SEED = 20201225
# Days to answer: a consultation 5, a complaint 15 (the 12345 hotline's usual limits).
TICKET_LIMIT_DAYS = (5, 15)
TICKET_KINDS = ("consultation", "complaint")
TICKET_HORIZON = dt.date(CALIBRATION_DATE.year + 1, 12, 31)  # the world's tickets end here


def _table(source: str, cols: dict[str, object]) -> pa.Table:
    names = SOURCES_BY_NAME[source].column_names
    return pa.table({n: cols[n] for n in names})


def _rng(*keys: int) -> np.random.Generator:
    return np.random.default_rng([_PERIPHERAL_SEED, *keys])


def _day_times(rng: np.random.Generator, first: dt.date, last: dt.date, size: int) -> np.ndarray:
    """Epoch seconds on days first..last (inclusive), office hours 08:30–18:00."""
    span = (last - first).days + 1
    days = rng.integers(0, max(span, 1), size)
    return seconds(first) + days * DAY + rng.integers(8 * 3600 + 1800, 18 * 3600, size)


# --- e-seals (table 7) -----------------------------------------------------------------------


def _mutate_check(rng: np.random.Generator, usccs: np.ndarray) -> np.ndarray:
    """The same codes with a wrong check character (old CA systems computed it wrongly)."""
    charset = np.array(list(USCC_CHARSET))
    pos = np.array([USCC_CHARSET.index(u[-1]) for u in usccs], dtype=np.int64)
    wrong = charset[(pos + rng.integers(1, len(charset), len(usccs))) % len(charset)]
    return np.char.add(np.array([u[:-1] for u in usccs], dtype=object).astype(str), wrong)


def _seals(roster: Roster, snapshot: dt.date) -> pa.Table:
    """Exactly table 7's sealed departments per city area; the others have no seal, a revoked one,
    or an active one with a wrong USCC (郑州市: seals of the old CA system, check character wrong)."""
    rng = _rng(7)
    depts = roster.depts
    n = len(depts)
    ids = np.array([d.dept_id for d in depts])
    uscc = np.array([d.uscc for d in depts])
    region = np.array([d.region_code for d in depts])
    city = np.array([d.city or "" for d in depts])
    local = np.array([d.level != "province" and not d.is_tax for d in depts])
    sealed = ~local & (rng.random(n) < 0.93)  # province and tax departments: not printed anywhere
    for r in unit_rows("t07"):
        members = np.flatnonzero(local & (city == roster.region_by_name(r["省辖市"])))
        sealed[rng.choice(members, int(r["已制章部门数量"]), replace=False)] = True
    zhengzhou = city == roster.region_by_name("郑州市")

    # Sealed: one active seal with its own code; some also an older revoked one or a second one.
    last = min(snapshot, CALIBRATION_DATE) - dt.timedelta(days=1)
    s_idx = np.flatnonzero(sealed)
    parts = [(s_idx, uscc[s_idx], "active", _day_times(rng, dt.date(2019, 3, 1), last, len(s_idx)))]
    old = s_idx[rng.random(len(s_idx)) < 0.15]
    parts.append((old, uscc[old], "revoked", _day_times(rng, dt.date(2017, 3, 1), dt.date(2018, 12, 31), len(old))))
    two = s_idx[rng.random(len(s_idx)) < 0.08]
    parts.append((two, uscc[two], "active", _day_times(rng, dt.date(2019, 6, 1), last, len(two))))
    # Not sealed: 0 no seal, 1 active with a wrong check character, 2 active with another
    # department's code, 3 only a revoked seal. 郑州市's are nearly all wrong check characters.
    u_idx = np.flatnonzero(~sealed)
    how = np.where(
        zhengzhou[u_idx],
        np.where(rng.random(len(u_idx)) < 0.9, 1, 0),
        rng.choice(4, len(u_idx), p=[0.4, 0.25, 0.1, 0.25]),
    )
    wrong = u_idx[how == 1]
    parts.append(
        (
            wrong,
            _mutate_check(rng, uscc[wrong]),
            "active",
            _day_times(rng, dt.date(2018, 9, 1), dt.date(2019, 12, 31), len(wrong)),
        )
    )
    other = u_idx[how == 2]
    shifted = (other + rng.integers(1, n, len(other))) % n  # a different department
    parts.append((other, uscc[shifted], "active", _day_times(rng, dt.date(2019, 3, 1), last, len(other))))
    revoked = u_idx[how == 3]
    parts.append(
        (revoked, uscc[revoked], "revoked", _day_times(rng, dt.date(2018, 1, 1), dt.date(2020, 6, 30), len(revoked)))
    )

    dept = np.concatenate([p[0] for p in parts])
    code = np.concatenate([np.asarray(p[1], dtype=str) for p in parts])
    status = np.concatenate([np.full(len(p[0]), p[2]) for p in parts])
    created = np.concatenate([p[3] for p in parts])
    order = np.lexsort((created, dept))
    dept, code, status, created = dept[order], code[order], status[order], created[order]
    seq = np.arange(1, len(dept) + 1)
    return _table(
        "e_seals",
        {
            "seal_id": pa.array([f"YZ{r}{s:06d}" for r, s in zip(region[dept], seq)], pa.string()),
            "dept_id": pa.array(ids[dept].tolist(), pa.string()),
            "uscc": pa.array(code.tolist(), pa.string()),
            "status": pa.array(status.tolist(), pa.string()),
            "created_at": ts_array(created),
        },
    )


# --- licences (tables 4, 5, 6) ---------------------------------------------------------------

T5_NONE, T5_NONCONFORMANT, T5_PARTIAL = "未制成", "已制作,但不符合国家工程标准", "已制出部分证照"
T6_ALL, T6_SOME, T6_NONE = "各市均已制作部分证照", "部分市已生成部分证照", "各市均未制出"


def _type_names(issuer: str, count: int, national: list[str]) -> list[str]:
    """`count` type names for an issuer: table 5's first, then reference.PROVINCE_LICENSES', then generic."""
    known = next((names for d, names, _, _ in R.PROVINCE_LICENSES if d == issuer), [])
    names = list(dict.fromkeys(national + known))
    names += [f"{issuer.removeprefix('河南省')}证照（第{k}类）" for k in range(1, count - len(names) + 1)]
    return names[:count]


def _licenses(roster: Roster) -> tuple[pa.Table, pa.Table]:
    """Province-level types as tables 4/5 print them, city-level types as table 6 prints them.

    Row order: issuers in the order of their first table-5 type, then the other table-4 issuers,
    each issuer's table-5 types first (table 5 prints in the responsibility list's order)."""
    rng = _rng(4)
    t05 = [
        (r["工程标准名称"], roster.dept_by_name(r["责任部门"]).dept_name, r["标准化制作进展情况"])
        for r in unit_rows("t05")
    ]
    t04 = {r["颁证单位"]: r for r in unit_rows("t04")}
    issuers = list(dict.fromkeys([d for _, d, _ in t05] + list(t04)))
    types, stats = [], []
    for issuer in issuers:
        row = t04[issuer]
        dept = roster.dept_by_name(issuer)
        national = [(n, s) for n, d, s in t05 if d == issuer]
        names = _type_names(issuer, int(row["责任证照种类(种)"]), [n for n, _ in national])
        status = dict(national)
        n_sealed = int(row["加盖电子印章的证照类型数量(种)"])
        must = [n for n in names if status.get(n) in (T5_PARTIAL, T5_NONCONFORMANT)]
        can = [n for n in names if n not in must and status.get(n) != T5_NONE]
        sealed_names = set(must + can[: n_sealed - len(must)])
        if len(sealed_names) != n_sealed:
            raise ValueError(f"{issuer}: cannot seal {n_sealed} of {len(names)} types given table 5")
        total = int(row["加盖电子印章的证照数量(个)"])
        sealed_counts = iter((1 + rng.multinomial(total - n_sealed, rng.dirichlet(np.full(n_sealed, 0.6)))).tolist())
        for name in names:
            code = f"DZZZ41P{len(types) + 1:03d}"
            types.append((code, name, "province", dept.dept_id, None, name in status))
            s = next(sealed_counts) if name in sealed_names else 0
            if status.get(name) == T5_PARTIAL or (name not in status and s and rng.random() < 0.5):
                c = max(1, int(round(s * rng.uniform(0.3, 1.0))))
            else:
                c = 0
            issued = s + (0 if rng.random() < 0.4 else int(round(max(s, 20) * rng.uniform(0, 0.3))))
            if s or issued or rng.random() < 0.5:  # an unused type may have no library row at all
                stats.append((code, dept.dept_id, issued, s, c))

    kind_of = {(n, cat): k for n, cat, k, _ in R.CITY_LICENSE_TYPES}
    cities = roster.city_codes
    for m, r in enumerate(unit_rows("t06"), 1):
        name, category, status = r["工程标准名称"], r["责任部门"], r["标准化制作进展情况"]
        kind = kind_of[(name, category)]
        code = f"DZZZ41C{m:02d}"
        types.append((code, name, "city", None, category, True))
        if status == T6_SOME:
            having = set(rng.choice(len(cities), int(rng.integers(3, len(cities) - 2)), replace=False).tolist())
        else:
            having = set(range(len(cities))) if status == T6_ALL else set()
        big = name.startswith("不动产")
        for ci, city in enumerate(cities):
            issuer = next(d for d in roster.unit_depts("city_level", city) if d.kind == kind)
            if ci in having:
                s = int(rng.integers(20_000, 150_000)) if big else int(rng.integers(5, 3000))
                c = max(1, int(round(s * rng.uniform(0.2, 1.0))))
            else:  # sealed but not to the national standard, or nothing yet
                s = int(rng.integers(1, 500)) if status != T6_NONE and rng.random() < 0.4 else 0
                c = 0
            issued = s + int(rng.integers(0, 200)) * int(rng.random() < 0.6)
            stats.append((code, issuer.dept_id, issued, s, c))
            if big and ci in having:  # county bureaus register real estate too
                for d in roster.unit_depts("city_counties", city):
                    if d.kind == kind and rng.random() < 0.5:
                        s2 = int(rng.integers(2_000, 40_000))
                        stats.append(
                            (
                                code,
                                d.dept_id,
                                s2 + int(rng.integers(0, 300)),
                                s2,
                                int(round(s2 * rng.uniform(0.2, 1.0))),
                            )
                        )
    lt = _table(
        "license_types",
        {
            k: [t[i] for t in types]
            for i, k in enumerate(
                ("type_code", "type_name", "level", "issuer_dept_id", "issuer_category", "national_standard")
            )
        },
    )
    ls = _table(
        "license_stats",
        {
            k: [t[i] for t in stats]
            for i, k in enumerate(("type_code", "issuer_dept_id", "issued_count", "sealed_count", "conformant_count"))
        },
    )
    return lt, ls


# --- single sign-on (tables 12, 13) ----------------------------------------------------------


def _auth_systems(roster: Roster) -> pa.Table:
    """Integrated systems for most departments (never listed) plus the open ones tables 12/13 print,
    and a few open systems of ordinary counties (whose departments neither table covers)."""
    rng = _rng(12)
    rows: list[tuple[str, str, str | None, bool, bool]] = []

    def url() -> str | None:
        if rng.random() < 0.15:
            return None
        a, b, c = rng.integers(1, 255, 3)
        return f"http://10.{a}.{b}.{c}:{int(rng.choice([80, 8080, 8000, 9090]))}/"

    yes = {"是": True, "否": False}
    open_prov: dict[str, list[tuple]] = {}
    for r in printed_table("t12"):
        open_prov.setdefault(r["省直部门"], []).append((r["系统名称"], yes[r["是否开展对接"]], r["备注"]))
    for d in roster.item_depts():
        if d.level == "province":
            for suffix in rng.choice(R.SYSTEM_SUFFIXES, int(rng.integers(1, 4)), replace=False):
                rows.append((d.dept_name + str(suffix), d.dept_id, url(), True, True))
    for dept_name, systems in open_prov.items():  # the open ones after the integrated ones
        d = roster.dept_by_name(dept_name)
        rows += [(name, d.dept_id, u or None, started, False) for name, started, u in systems]

    county_kind = {(c, name): kind for c, kind, name, _, _ in R.OPEN_COUNTY_SYSTEMS}
    for code in roster.direct_codes:
        members = [d for d in roster.unit_depts("direct_county", code) if not d.is_tax]
        for j in np.sort(rng.choice(len(members), int(rng.integers(3, 7)), replace=False)):
            rows.append(
                (members[j].dept_name + str(rng.choice(R.SYSTEM_SUFFIXES)), members[j].dept_id, url(), True, True)
            )
    for r in printed_table("t13"):
        code = roster.region_by_name(r["所属地区"])
        kind = county_kind.get((code, r["系统名称"]), "service")
        d = next(d for d in roster.unit_depts("direct_county", code) if d.kind == kind)
        rows.append((r["系统名称"], d.dept_id, r["备注"] or None, yes[r["是否开展对接"]], False))
    for city in roster.city_codes[:6]:  # ordinary counties: not in tables 12/13 whatever their state
        members = [d for d in roster.unit_depts("city_counties", city) if not d.is_tax]
        if members:
            d = members[int(rng.integers(0, len(members)))]
            rows.append(
                (d.dept_name + str(rng.choice(R.SYSTEM_SUFFIXES)), d.dept_id, url(), bool(rng.random() < 0.5), False)
            )
    return _table(
        "auth_systems",
        {
            "system_id": [f"SYS{n:05d}" for n in range(1, len(rows) + 1)],
            "system_name": [r[0] for r in rows],
            "dept_id": [r[1] for r in rows],
            "url": pa.array([r[2] for r in rows], pa.string()),
            "integration_started": [r[3] for r in rows],
            "integrated": [r[4] for r in rows],
        },
    )


# --- branch halls (table 18) -----------------------------------------------------------------


def _branch_hall_items(roster: Roster, snapshot: dt.date, service_items: pa.Table | None) -> pa.Table:
    """Table 18's items and non-query items per city. With `service_items` the items are drawn from
    the city's own published items (city level and ordinary counties); without, codes are minted."""
    rng = _rng(18)
    cols: dict[str, list] = {k: [] for k in ("region_code", "item_code", "item_name", "is_query", "online_at")}
    online_last = min(snapshot, CALIBRATION_DATE)
    for r in unit_rows("t18"):
        city = roster.region_by_name(r["省辖市"])
        n, n_non_query = int(r["分厅事项接入数量(项)"]), int(r["非查询类事项上线数量(项)"])
        codes = names = None
        if service_items is not None:
            members = pa.array([d.dept_id for d in roster.unit_depts("city_total", city)], pa.string())
            mine = service_items.filter(
                pc.and_(pc.is_in(service_items["dept_id"], members), pc.equal(service_items["published"], True))
            )
            if mine.num_rows >= n:
                pick = np.sort(rng.choice(mine.num_rows, n, replace=False))
                codes = mine["item_code"].take(pick).to_pylist()
                names = mine["item_name"].take(pick).to_pylist()
        if codes is None:
            kinds = [d.kind for d in roster.unit_depts("city_level", city) if d.kind in R.TOPICS]
            topics = [t for k in kinds for t in R.TOPICS[k]]
            pick = rng.choice(len(topics), n, replace=len(topics) < n)
            codes = [f"{city}FT{k:04d}" for k in range(1, n + 1)]
            names = [f"{topics[p]}（{k}）" for k, p in enumerate(pick, 1)]
        is_query = np.ones(n, dtype=bool)
        is_query[rng.choice(n, n_non_query, replace=False)] = False
        cols["region_code"] += [city] * n
        cols["item_code"] += codes
        cols["item_name"] += [nm + "查询" if q and not nm.endswith("查询") else nm for nm, q in zip(names, is_query)]
        cols["is_query"] += is_query.tolist()
        cols["online_at"].append(_day_times(rng, dt.date(2020, 3, 1), online_last, n))
    cols["online_at"] = ts_array(np.concatenate(cols["online_at"]))
    return _table("branch_hall_items", cols)


def build_peripheral(roster: Roster, snapshot: dt.date, service_items: pa.Table | None = None) -> dict[str, pa.Table]:
    """e_seals, license_types, license_stats, auth_systems, branch_hall_items (full snapshots).

    `service_items` (optional, CONTRACT columns) lets branch-hall items be real items of the city."""
    license_types, license_stats = _licenses(roster)
    return {
        "e_seals": _seals(roster, snapshot),
        "license_types": license_types,
        "license_stats": license_stats,
        "auth_systems": _auth_systems(roster),
        "branch_hall_items": _branch_hall_items(roster, snapshot, service_items),
    }


# --- tickets (tables 16, 17) -----------------------------------------------------------------


@dataclass(frozen=True)
class TicketPlan:
    """One (unit, kind): received, closed on time, and open-not-yet-due tickets at the calibration date."""

    scope: str
    unit_code: str
    kind: int  # 0 consultation, 1 complaint
    received: int
    on_time: int
    pending: int  # open and not yet due at the snapshot: out of the rate's denominator


def _options(received: int, text: str) -> list[tuple[int, int]]:
    """(pending, on_time) pairs that print as `text`, pending as small as possible first."""
    if printed_value(text, "pct2") is None:
        return [(received, 0)]
    out = []
    for pending in range(0, received):
        n = numerator_for(text, received - pending, "pct2")
        if n is not None:
            out.append((pending, n))
    return out


def _plan_scope(
    rng: np.random.Generator,
    stem_rows: list[tuple[str, dict]],
    total: dict | None,
    scope: str,
    recv_col: str,
    rate_col: str,
    kind: int,
) -> list[TicketPlan]:
    """Per unit a (pending, on_time) that prints the unit's rate, chosen so that the 合计 prints too.

    A unit printed 100.00% or 0.00% may have any number pending (its rate does not move); the
    others have a few discrete options. Start every unit near a realistic pending count (tickets
    received within the answer limit); then, for the discrete choices (preferred first, then
    single changes, then random draws), look for the pending totals of the 100%/0% units that make
    Σ on_time / Σ (received − pending) print as the 合计, nearest to their preferred totals."""
    limit = TICKET_LIMIT_DAYS[kind]
    codes, recv, opts, want = [], [], [], []
    for code, r in stem_rows:
        received = int(r[recv_col])
        o = _options(received, r[rate_col]) if received else [(0, 0)]
        if not o:
            raise ValueError(f"{scope} {code}: no whole numbers print {r[rate_col]} of {received}")
        codes.append(code)
        recv.append(received)
        opts.append(o)
        want.append(received * limit / 360 * rng.uniform(0.3, 1.5))
    full = [i for i, r in enumerate(stem_rows) if recv[i] and printed_value(r[1][rate_col], "pct2") == 1]
    none = [i for i, r in enumerate(stem_rows) if recv[i] and printed_value(r[1][rate_col], "pct2") == 0]
    discrete = [i for i in range(len(codes)) if i not in full and i not in none]
    nearest = {i: int(np.argmin([abs(p - want[i]) for p, _ in opts[i]])) for i in discrete}
    pending = {i: int(round(min(want[i], recv[i] - 1))) for i in full + none}

    def split(pool: list[int], amount: int) -> None:
        """Spread `amount` pending over the pool's units, near their preferred counts."""
        cap = np.array([recv[i] - 1 for i in pool])
        w = np.array([want[i] for i in pool]) + 1e-9
        got = np.minimum(np.floor(amount * w / w.sum()).astype(np.int64), cap)
        while got.sum() < amount:
            room = np.flatnonzero(got < cap)
            got[room[np.argmax((amount * w / w.sum() - got)[room])]] += 1
        for i, g in zip(pool, got.tolist()):
            pending[i] = g

    def solve(choice: dict[int, int]) -> tuple[int, int] | None:
        """(pending of the 100% pool, pending of the 0% pool) making the 合计 print, or None."""
        late_f = sum(recv[i] - opts[i][c][0] - opts[i][c][1] for i, c in choice.items())
        den_f = sum(recv[i] - opts[i][c][0] for i, c in choice.items())
        s_full, s_none = sum(recv[i] for i in full), sum(recv[i] for i in none)
        pf = np.arange(0, s_full - len(full) + 1)  # pending of the 100% pool
        best = None
        for pn in range(0, s_none - len(none) + 1):
            late = late_f + s_none - pn
            den = den_f + s_full - pf + s_none - pn
            with np.errstate(divide="ignore", invalid="ignore"):
                near = np.flatnonzero((den > 0) & (np.abs((den - late) / den - float(target)) < 6e-5))
            cost = np.abs(pf[near] - want_full) + abs(pn - want_none)
            for j in near[np.argsort(cost, kind="stable")]:
                d = int(den[j])
                if prints_as(d - late, d, total[rate_col], "pct2"):
                    c = abs(int(pf[j]) - want_full) + abs(pn - want_none)
                    if best is None or c < best[0]:
                        best = (c, int(pf[j]), pn)
                    break
        return None if best is None else best[1:]

    choice = dict(nearest)
    if total is not None and printed_value(total[rate_col], "pct2") is not None:
        target = printed_value(total[rate_col], "pct2")
        want_full = int(round(sum(min(want[i], recv[i] - 1) for i in full)))
        want_none = int(round(sum(min(want[i], recv[i] - 1) for i in none)))
        tries = [dict(nearest)]
        tries += [{**nearest, i: c} for i in discrete for c in range(len(opts[i])) if c != nearest[i]]
        tries += [{i: int(rng.integers(0, len(opts[i]))) for i in discrete} for _ in range(200)]
        for cand in tries:
            found = solve(cand)
            if found is not None:
                choice = cand
                split(full, found[0]) if full else None
                split(none, found[1]) if none else None
                break
        else:
            raise ValueError(f"{scope}: no pending counts print the 合计 {total[rate_col]}")
    out = []
    for i, code in enumerate(codes):
        if i in choice:
            p, n = opts[i][choice[i]]
        elif i in pending:
            p = pending[i]
            n = recv[i] - p if i in full else 0
        else:
            p, n = opts[i][0]
        out.append(TicketPlan(scope, code, kind, recv[i], n, p))
    return out


def ticket_plans(roster: Roster) -> list[TicketPlan]:
    """The calibrated (unit, kind) counts of tables 16 and 17 (deterministic, seed-independent)."""
    rng = _rng(16)
    plans: list[TicketPlan] = []
    specs = (
        ("t16", "province_dept", "省直部门", lambda n: roster.dept_by_name(n).dept_id),
        ("t17a", "city_total", "省辖市", roster.region_by_name),
        ("t17b", "direct_county", "省直管县（市）", roster.region_by_name),
    )
    for stem, scope, col, code_of in specs:
        rows = [(code_of(r[col]), r) for r in unit_rows(stem)]
        for kind, (recv, rate) in enumerate((("咨询总计收到", "咨询按期办结率"), ("投诉总计收到", "投诉按期办结率"))):
            plans += _plan_scope(rng, rows, total_row(stem), scope, recv, rate, kind)
    return plans


def build_tickets(
    roster: Roster, window_start: dt.datetime | dt.date, window_end: dt.datetime | dt.date, seed: int
) -> pa.Table:
    """Tickets whose (single) version's `updated_at` falls in [window_start, window_end].

    The world: December 2019 (outside the YTD window, a trickle), the calibrated 2020 up to
    2020-12-25 (tables 16/17 exactly), then the same rates onwards. Tickets open at 2020-12-25 stay
    open (a single version per ticket: a later close would move them out of that delivery)."""
    start = seconds(window_start)
    end = seconds(window_end) if isinstance(window_end, dt.datetime) else seconds(window_end) + DAY - 1
    # The world is fixed (window-independent) so that weekly deltas add up to the backfill.
    horizon = TICKET_HORIZON
    plans = ticket_plans(roster)
    calib_end = seconds(CALIBRATION_DATE) + DAY - 1
    ytd_first = dt.date(CALIBRATION_DATE.year, 1, 1)

    dept_ids = np.array([d.dept_id for d in roster.depts])
    dept_index = {d.dept_id: i for i, d in enumerate(roster.depts)}

    def members_of(p: TicketPlan) -> tuple[np.ndarray, np.ndarray]:
        ms: tuple[Dept, ...] = roster.unit_depts(p.scope, p.unit_code)
        idx = np.array([dept_index[d.dept_id] for d in ms])
        w = np.random.default_rng([seed, 1618, int(idx[0])]).dirichlet(np.full(len(idx), 0.5))
        return idx, w

    blocks = []
    for i, p in enumerate(plans):
        if p.received == 0:
            continue
        rng = np.random.default_rng([seed, 1617, i])
        idx, w = members_of(p)
        limit = TICKET_LIMIT_DAYS[p.kind]
        late = p.received - p.pending - p.on_time
        late_open = rng.binomial(late, 0.3) if late else 0
        cat = np.repeat(np.arange(4), [p.on_time, late - late_open, late_open, p.pending])
        k = len(cat)
        last_ok = CALIBRATION_DATE - dt.timedelta(days=limit + 2)
        received = np.where(
            cat == 3,
            _day_times(rng, CALIBRATION_DATE - dt.timedelta(days=limit - 1), CALIBRATION_DATE, k),
            np.where(cat == 0, _day_times(rng, ytd_first, CALIBRATION_DATE, k), _day_times(rng, ytd_first, last_ok, k)),
        )
        due = received + limit * DAY
        on_time_close = received + (rng.uniform(0.05, 1.0, k) * (np.minimum(due, calib_end) - received)).astype(
            np.int64
        )
        late_close = (
            due
            + 3600
            + (rng.uniform(0, 1, k) * np.maximum(np.minimum(20 * DAY, calib_end - due - 3600), 0)).astype(np.int64)
        )
        closed = np.select([cat == 0, cat == 1], [on_time_close, late_close], NULL_TS)
        # December 2019: a trickle, outside the YTD window (by received_at).
        n_dec = int(rng.poisson(p.received / 12 * 0.5))
        r_dec = _day_times(
            rng, dt.date(CALIBRATION_DATE.year - 1, 12, 1), dt.date(CALIBRATION_DATE.year - 1, 12, 31), n_dec
        )
        c_dec = r_dec + (rng.uniform(0.05, 1.0, n_dec) * limit * DAY).astype(np.int64)
        # After the calibration date: the same rate and on-time share, up to the horizon.
        days_after = (horizon - CALIBRATION_DATE).days
        n_after = int(rng.poisson(p.received / 360 * days_after)) if days_after else 0
        r_after = _day_times(rng, CALIBRATION_DATE + dt.timedelta(days=1), horizon, n_after)
        share = p.on_time / max(p.received - p.pending, 1)
        ok = rng.random(n_after) < share
        c_after = np.where(
            ok,
            r_after + (rng.uniform(0.05, 1.0, n_after) * limit * DAY).astype(np.int64),
            r_after + limit * DAY + rng.integers(3600, 20 * DAY, n_after),
        )
        r_all = np.concatenate([received, r_dec, r_after])
        c_all = np.concatenate([closed, c_dec, c_after])
        d_all = r_all + limit * DAY
        dept = idx[rng.choice(len(idx), len(r_all), p=w)]
        blocks.append((r_all, d_all, c_all, np.full(len(r_all), p.kind), dept))

    received = np.concatenate([b[0] for b in blocks])
    due = np.concatenate([b[1] for b in blocks])
    closed = np.concatenate([b[2] for b in blocks])
    kind = np.concatenate([b[3] for b in blocks])
    dept = np.concatenate([b[4] for b in blocks])
    rng = np.random.default_rng([seed, 1620])
    jitter = rng.integers(0, 60, len(received))  # seconds, so that stamps rarely coincide
    received += jitter
    due += jitter
    order = np.lexsort((dept, received))
    received, due, closed, kind, dept = received[order], due[order], closed[order], kind[order], dept[order]
    updated = np.where(closed == NULL_TS, received, closed)
    # Ids by month of receipt, numbered in order of receipt (stable across windows).
    month = np.array(received.astype("datetime64[s]").astype("datetime64[M]").astype(str))
    first_of_month = np.r_[True, month[1:] != month[:-1]]
    starts = np.maximum.accumulate(np.where(first_of_month, np.arange(len(month)), 0))
    seq = np.arange(len(month)) - starts + 1
    ticket_id = np.char.add(np.char.add("ZX", np.char.replace(month, "-", "")), np.char.zfill(seq.astype(str), 6))
    keep = (updated >= start) & (updated <= end)
    n = int(keep.sum())
    sur = rng.integers(0, len(R.SURNAMES), len(keep))[keep]
    g1 = rng.integers(0, len(R.GIVEN_CHARS), len(keep))[keep]
    g2 = np.where(rng.random(len(keep)) < 0.7, rng.integers(0, len(R.GIVEN_CHARS), len(keep)), len(R.GIVEN_CHARS))[keep]
    phone = (
        rng.choice(np.array(R.PHONE_PREFIXES, dtype=np.int64), len(keep)) * 10**8 + rng.integers(0, 10**8, len(keep))
    )[keep]
    return _table(
        "tickets",
        {
            "ticket_id": pa.array(ticket_id[keep].tolist(), pa.string()),
            "kind": pa.array(np.array(TICKET_KINDS)[kind[keep]].tolist(), pa.string()),
            "dept_id": pa.array(dept_ids[dept[keep]].tolist(), pa.string()),
            "received_at": ts_array(received[keep]),
            "due_at": ts_array(due[keep]),
            "closed_at": ts_array(closed[keep]),
            "requester_name": person_names(sur, g1, g2) if n else pa.array([], pa.string()),
            "requester_phone": pc.cast(pa.array(phone), pa.string()),
            "updated_at": ts_array(updated[keep]),
        },
    )

"""The deterministic sample world: reference data from the seed, events from (seed, scale).

Reference data (divisions … branch-hall items) depend on the seed only, so every snapshot of
one seed sees the same departments and items. Events are drawn month by month, each month from
its own random stream keyed by (seed, year, month): any delivery window is then a filter over
the same event history, which is what makes consecutive weekly deltas consistent. A record
changes at most twice (accepted → completed, evaluated → rectified, received → closed), and each
change is a version with its own `updated_at`.

Timestamps are local wall-clock seconds since 1970-01-01 in int64 arrays (NULL_TS = missing)
until they are turned into Arrow columns.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from zwfw_contract.sources import ITEM_TYPES, SOURCES_BY_NAME
from zwfw_sample import reference as R
from zwfw_sample.uscc import USCC_CHARSET, make_uscc

NULL_TS = np.iinfo(np.int64).min
DAY = 86_400

# Volumes. Real case counts are ~1 per resident a year; the sample keeps 1 in CASE_DIVISOR.
# Tickets are few in reality (tables 16/17), so the sample keeps the bulletin's counts as they are.
CASE_DIVISOR = 1000
MIN_CASES_PER_ACTIVE_ITEM = 4.0  # a year, so that an "active" item almost surely has a case
ITEM_DIVISOR_CITY = 10  # sample items = bulletin table 8 items / this (city level, 省直管县)
ITEM_DIVISOR_COUNTY = 15  # … table 9 items / this (a city's counties)
LOOKBACK_MONTHS = 4  # longest chain accepted→completed→evaluated→rectified is < 120 days
# 2020-like seasonality (the Spring Festival and the epidemic in February); mean 1.
_MONTH_FACTOR = np.array([0.8, 0.45, 0.85, 1.0, 1.0, 1.05, 1.05, 1.0, 1.05, 0.85, 1.1, 1.15])
MONTH_FACTOR = _MONTH_FACTOR / _MONTH_FACTOR.mean()
WEEKDAY_WEIGHT = np.array([1.0, 1.0, 1.0, 1.0, 1.0, 0.3, 0.2])  # Monday first


def rng_for(seed: int, *keys: int) -> np.random.Generator:
    return np.random.default_rng([seed, *keys])


def seconds(t: dt.date | dt.datetime) -> int:
    if not isinstance(t, dt.datetime):
        t = dt.datetime(t.year, t.month, t.day)
    return int((t - dt.datetime(1970, 1, 1)).total_seconds())


def ts_array(sec: np.ndarray) -> pa.Array:
    sec = np.asarray(sec, dtype=np.int64)
    return pa.array(sec, type=pa.timestamp("s"), mask=sec == NULL_TS)


def _table(source: str, cols: dict[str, object]) -> pa.Table:
    """A table in registry column order."""
    names = SOURCES_BY_NAME[source].column_names
    return pa.table({n: cols[n] for n in names})


# --- departments -----------------------------------------------------------------------------


@dataclass
class Dept:
    dept_id: str
    name: str
    region: str
    kind: str
    level: str  # province | city | county | direct
    city: str | None  # the city whose area the department is in
    unit: int  # event/rate unit, -1 = none
    is_tax: bool
    uscc: str = ""


def _short(county: str) -> str:
    if county.endswith("回族区"):
        return county[:-3]
    if len(county) > 2 and county[-1] in "区县市":
        return county[:-1]
    return county


def _local_name(kind: str, city_name: str, county: tuple[str, str] | None, direct: bool) -> str:
    city_prefix = "济源市" if city_name == "济源示范区" else city_name
    if county is None:
        if kind == "tax":
            return f"国家税务总局{city_prefix}税务局"
        return city_name + R.DEPT_KINDS[kind][0]
    code, name = county
    district = name.endswith("区")
    if kind == "tax":
        return f"国家税务总局{city_prefix}{name}税务局" if district else f"国家税务总局{name}税务局"
    if kind == "eco" and not direct:
        return f"{city_name}生态环境局{_short(name)}分局"
    if kind == "eco":
        return f"{name}生态环境局"
    if kind == "police" and district:
        return f"{city_name}公安局{_short(name)}分局"
    if kind == "nr" and district:
        return f"{city_name}自然资源和规划局{_short(name)}分局"
    return name + R.DEPT_KINDS[kind][1]


# Unit indices: 0..41 provincial departments (table 1 order), then cities, then direct counties.
N_PROVINCE = len(R.PROVINCE_DEPTS)
CITY_CODES = tuple(c for c, _, _ in R.CITIES)
UNIT_CODES = tuple(d.name for d in R.PROVINCE_DEPTS) + CITY_CODES + R.DIRECT_ADMIN
UNIT_OF_CITY = {c: N_PROVINCE + i for i, c in enumerate(CITY_CODES)}
UNIT_OF_DIRECT = {c: N_PROVINCE + len(CITY_CODES) + i for i, c in enumerate(R.DIRECT_ADMIN)}


def _choose_kinds(rng, kinds, required, p_optional, lo, hi) -> list[str]:
    chosen = [k for k in kinds if k in required or rng.random() < p_optional]
    optional = [k for k in chosen if k not in required]
    while len(chosen) > hi and optional:
        chosen.remove(optional.pop())
    rest = [k for k in kinds if k not in chosen]
    while len(chosen) < lo and rest:
        chosen.append(rest.pop(0))
    return [k for k in kinds if k in chosen]  # stable, registry order


def build_departments(seed: int) -> list[Dept]:
    rng = rng_for(seed, 1)
    depts: list[Dept] = []
    for i, pd in enumerate(R.PROVINCE_DEPTS):
        depts.append(
            Dept(f"D410000{i + 1:03d}", pd.name, R.PROVINCE_CODE, pd.kind, "province", None, i, pd.kind == "tax")
        )
    for name, kind in R.PROVINCE_EXTRA_DEPTS:
        depts.append(Dept(f"D410000{len(depts) + 1:03d}", name, R.PROVINCE_CODE, kind, "province", None, -1, False))
    city_kinds = tuple(R.DEPT_KINDS)
    for city, city_name, counties in R.CITIES:
        kinds = _choose_kinds(rng, city_kinds, R.CITY_REQUIRED, 0.5, 15, 30)
        for n, kind in enumerate(kinds, 1):
            depts.append(
                Dept(
                    f"D{city}{n:03d}",
                    _local_name(kind, city_name, None, False),
                    city,
                    kind,
                    "city",
                    city,
                    UNIT_OF_CITY[city],
                    kind == "tax",
                )
            )
        for code, cname in R.counties_of(counties):
            direct = code in R.DIRECT_ADMIN
            if direct:
                kinds = _choose_kinds(rng, R.COUNTY_KINDS, R.COUNTY_REQUIRED, 0.55, 14, 20)
            else:
                kinds = _choose_kinds(rng, R.COUNTY_KINDS, R.COUNTY_REQUIRED, 0.25, 8, 15)
            unit = UNIT_OF_DIRECT[code] if direct else UNIT_OF_CITY[city]
            for n, kind in enumerate(kinds, 1):
                depts.append(
                    Dept(
                        f"D{code}{n:03d}",
                        _local_name(kind, city_name, (code, cname), direct),
                        code,
                        kind,
                        "direct" if direct else "county",
                        city,
                        unit,
                        kind == "tax",
                    )
                )
    # USCCs: 11 机关 unless said otherwise; unique.
    seen: set[str] = set()
    digits = "0123456789"
    for d in depts:
        registry = R.USCC_REGISTRY.get(d.name, "12" if d.kind == "fund" else "11")
        while True:
            if rng.random() < 0.8:
                body = "00" + "".join(rng.choice(list(digits), 6))
            else:
                body = (
                    "MB"
                    + rng.choice(list(digits))
                    + rng.choice(list(USCC_CHARSET))
                    + "".join(rng.choice(list(digits), 4))
                )
            code = make_uscc(registry, d.region, body)
            if code not in seen:
                break
        seen.add(code)
        d.uscc = code
    return depts


# --- the world -------------------------------------------------------------------------------


@dataclass
class World:
    seed: int
    depts: list[Dept]
    tables: dict[str, pa.Table]  # reference sources (e_seals, branch_hall_items before the snapshot filter)
    # event model, per published item
    item_code: np.ndarray
    item_dept: np.ndarray
    item_unit: np.ndarray
    item_rate: np.ndarray  # expected cases a year at scale 1
    item_instant: np.ndarray
    item_days: np.ndarray  # the time limit cases work to
    # per unit
    unit_p_net: np.ndarray
    unit_p_active: np.ndarray
    unit_p_link: np.ndarray
    unit_p_rectify: np.ndarray
    unit_p_qc: np.ndarray
    # per department
    dept_ids: np.ndarray
    dept_region_int: np.ndarray
    dept_is_county: np.ndarray
    dept_ticket_rate: np.ndarray  # (n_dept, 2): consultations, complaints a year at scale 1
    dept_ticket_on_time: np.ndarray  # (n_dept, 2)
    county_codes: np.ndarray


def _split_int(rng, total: int, k: int, alpha: float, minimum: int) -> np.ndarray:
    if k == 0:
        return np.zeros(0, dtype=np.int64)
    minimum = min(minimum, total // k)
    rest = total - minimum * k
    return minimum + rng.multinomial(rest, rng.dirichlet(np.full(k, alpha)))


def _unit_budget(unit: int) -> float:
    """Expected cases a year at scale 1 of a unit, from the bulletin's figures."""
    if unit < N_PROVINCE:
        pd = R.PROVINCE_DEPTS[unit]
        return pd.active_evals / pd.active_rate / CASE_DIVISOR if pd.active_rate else 0.0
    code = UNIT_CODES[unit]
    rates = R.UNIT_RATES[code]
    pop = R.POPULATION[code][0]
    if code in UNIT_OF_CITY:
        pop -= sum(R.POPULATION[c][0] for c in R.DIRECT_ADMIN if c[:4] == code[:4])
    return rates.per_capita * pop / CASE_DIVISOR


@lru_cache(maxsize=4)
def build_world(seed: int) -> World:
    if seed < 0:
        raise ValueError("seed must be ≥ 0")
    depts = build_departments(seed)
    n_dept = len(depts)
    tables: dict[str, pa.Table] = {}
    tables["regions"], tables["population"] = _regions_population()
    tables["departments"] = _table(
        "departments",
        {
            "dept_id": [d.dept_id for d in depts],
            "dept_name": [d.name for d in depts],
            "region_code": [d.region for d in depts],
            "uscc": [d.uscc for d in depts],
            "is_tax": [d.is_tax for d in depts],
        },
    )
    items = _build_items(seed, depts)
    tables["service_items"] = items["table"]
    tables["item_steps"] = _build_steps(seed, items)
    tables["e_seals"] = _build_seals(seed, depts)
    tables["license_types"], tables["license_stats"] = _build_licenses(seed, depts)
    tables["auth_systems"] = _build_auth(seed, depts)
    tables["branch_hall_items"] = _build_branch(seed, depts, items)

    # Event model.
    rng = rng_for(seed, 9)
    n_units = len(UNIT_CODES)
    p_net = np.zeros(n_units)
    p_active = np.zeros(n_units)
    p_link = np.zeros(n_units)
    p_rect = np.zeros(n_units)
    for u in range(n_units):
        if u < N_PROVINCE:
            pd = R.PROVINCE_DEPTS[u]
            p_net[u] = pd.online if pd.online is not None else 0.9
            p_active[u] = pd.active_rate if pd.active_rate is not None else 0.3
            p_link[u] = pd.completeness if pd.completeness is not None else 0.97
            p_rect[u] = pd.rectify if pd.rectify is not None else 0.9
        else:
            ur = R.UNIT_RATES[UNIT_CODES[u]]
            p_net[u], p_active[u], p_link[u] = ur.online, ur.active_rate, ur.completeness
            p_rect[u] = ur.rectify if ur.rectify is not None else 0.95
    p_qc = rng.uniform(0.93, 0.995, n_units)

    pub = items["published"]
    i_unit = items["unit"][pub]
    dormant = items["dormant"][pub]
    weight = rng.gamma(0.6, 1.0, len(i_unit)) * ~dormant
    rate = np.where(dormant, 0.0, MIN_CASES_PER_ACTIVE_ITEM)
    for u in range(n_units):
        m = i_unit == u
        n_active = int((m & ~dormant).sum())
        extra = max(0.0, _unit_budget(u) - n_active * MIN_CASES_PER_ACTIVE_ITEM)
        if n_active and extra:
            rate[m] += extra * weight[m] / weight[m].sum()

    # Tickets: the bulletin's yearly counts, spread over the unit's departments.
    t_rate = np.zeros((n_dept, 2))
    t_on = np.full((n_dept, 2), 0.9)
    dept_unit = np.array([d.unit for d in depts])
    for u in range(n_units):
        members = np.flatnonzero(dept_unit == u)
        if u < N_PROVINCE:
            pd = R.PROVINCE_DEPTS[u]
            counts, on = (pd.consult, pd.complaint), (pd.consult_on, pd.complaint_on)
        else:
            ur = R.UNIT_RATES[UNIT_CODES[u]]
            counts, on = (ur.consult, ur.complaint), (ur.consult_on, ur.complaint_on)
        w = rng.dirichlet(np.full(len(members), 1.5)) if len(members) > 1 else np.ones(len(members))
        for k in range(2):
            t_rate[members, k] = counts[k] * w
            t_on[members, k] = on[k] if on[k] is not None else 0.9

    county_codes = np.array([int(c) for _, _, cs in R.CITIES for c, _ in R.counties_of(cs)])
    return World(
        seed=seed,
        depts=depts,
        tables=tables,
        item_code=items["code"][pub],
        item_dept=items["dept"][pub],
        item_unit=i_unit,
        item_rate=rate,
        item_instant=items["instant"][pub],
        item_days=items["work_days"][pub],
        unit_p_net=p_net,
        unit_p_active=p_active,
        unit_p_link=p_link,
        unit_p_rectify=p_rect,
        unit_p_qc=p_qc,
        dept_ids=np.array([d.dept_id for d in depts]),
        dept_region_int=np.array([int(d.region) for d in depts]),
        dept_is_county=np.array([d.level in ("county", "direct") for d in depts]),
        dept_ticket_rate=t_rate,
        dept_ticket_on_time=t_on,
        county_codes=county_codes,
    )


def _regions_population() -> tuple[pa.Table, pa.Table]:
    rows = [(R.PROVINCE_CODE, R.PROVINCE_NAME, "province", None, False)]
    for city, name, counties in R.CITIES:
        rows.append((city, name, "city", R.PROVINCE_CODE, False))
        rows += [(c, n, "county", city, c in R.DIRECT_ADMIN) for c, n in R.counties_of(counties)]
    regions = _table(
        "regions",
        {
            k: [r[i] for r in rows]
            for i, k in enumerate(("region_code", "region_name", "level", "parent_code", "direct_admin"))
        },
    )
    pop = [(code, year, v[i]) for code, v in R.POPULATION.items() for i, year in enumerate((2019, 2020))]
    pop.sort(key=lambda r: (r[1], r[0]))
    population = _table(
        "population",
        {"region_code": [r[0] for r in pop], "year": [r[1] for r in pop], "resident_population": [r[2] for r in pop]},
    )
    return regions, population


# --- service items and steps -----------------------------------------------------------------


def _item_counts(rng, depts: list[Dept]) -> np.ndarray:
    """Published items per department: table 10 exactly for provincial departments, tables 8/9 scaled."""
    n = np.zeros(len(depts), dtype=np.int64)
    idx_by: dict[tuple[str, str], list[int]] = {}
    for i, d in enumerate(depts):
        if d.level == "province":
            n[i] = R.PROVINCE_DEPTS[d.unit].items if d.unit >= 0 else 0
        else:
            idx_by.setdefault((d.level, d.region), []).append(i)
    for city, _, counties in R.CITIES:
        ur = R.UNIT_RATES[city]
        members = idx_by[("city", city)]
        n[members] = _split_int(rng, round(ur.items_city / ITEM_DIVISOR_CITY), len(members), 2.0, 2)
        plain = [c for c, _ in R.counties_of(counties) if c not in R.DIRECT_ADMIN]
        per_county = _split_int(rng, round(ur.items_counties / ITEM_DIVISOR_COUNTY), len(plain), 6.0, 10)
        for c, total in zip(plain, per_county):
            members = idx_by[("county", c)]
            n[members] = _split_int(rng, int(total), len(members), 2.0, 1)
    for c in R.DIRECT_ADMIN:
        members = idx_by[("direct", c)]
        n[members] = _split_int(rng, round(R.UNIT_RATES[c].items_city / ITEM_DIVISOR_CITY), len(members), 2.0, 2)
    return n


def _province_types(rng, pd: R.ProvinceDept, n: int) -> np.ndarray:
    """Item types of a provincial department, with enough 行政许可 items for its table-10 figures."""
    lo = pd.no_case_license
    hi = n - (pd.no_case_items - pd.no_case_license)
    n_lic = int(np.clip(round(0.4 * n), lo, max(lo, hi)))
    others = _types_for(rng, n - n_lic, exclude_license=True)
    return np.concatenate([np.zeros(n_lic, dtype=np.int64), others])


def _types_for(rng, n: int, exclude_license: bool = False) -> np.ndarray:
    """Every type once when there are enough items, the rest by weight."""
    types = np.arange(1 if exclude_license else 0, len(ITEM_TYPES))
    w = np.array(R.ITEM_TYPE_WEIGHTS)[types]
    if n >= len(types):
        extra = rng.choice(types, n - len(types), p=w / w.sum())
        return np.concatenate([types, extra])
    return rng.choice(types, n, p=w / w.sum())


def _build_items(seed: int, depts: list[Dept]) -> dict:
    rng = rng_for(seed, 3)
    n_pub = _item_counts(rng, depts)
    n_unpub = rng.binomial(n_pub, 0.03)
    dept_of, type_of, published = [], [], []
    for i, d in enumerate(depts):
        if n_pub[i] == 0:
            continue
        if d.level == "province":
            t = _province_types(rng, R.PROVINCE_DEPTS[d.unit], int(n_pub[i]))
        else:
            t = _types_for(rng, int(n_pub[i]))
        t = np.concatenate([t, _types_for(rng, int(n_unpub[i]))])
        dept_of.append(np.full(len(t), i))
        type_of.append(t)
        published.append(np.arange(len(t)) < n_pub[i])
    dept = np.concatenate(dept_of)
    itype = np.concatenate(type_of)
    pub = np.concatenate(published)
    # keep unpublished rows among their department's items, grouped by type
    order = np.lexsort((rng.random(len(dept)), itype, dept))
    dept, itype, pub = dept[order], itype[order], pub[order]
    n = len(dept)
    is_lic = itype == 0

    # per-item parameters from the department's unit
    level = np.array([depts[i].level for i in dept])
    unit = np.array([depts[i].unit for i in dept])
    prov = level == "province"
    kinds = [depts[i].kind for i in dept]
    region = np.array([depts[i].region for i in dept])
    city_of = np.array([depts[i].city or "" for i in dept])
    p_instant = np.where(is_lic, 0.3, np.where(itype == 10, 0.6, 0.45))
    p_zero = rng.uniform(0.7, 0.98, len(UNIT_CODES))[unit]
    compression = rng.uniform(0.4, 0.75, len(UNIT_CODES))[unit]
    p_ua = np.full(n, 0.85)
    p_proc = np.full(n, 0.95)
    p_active_item = np.ones(n)
    for u, pd in enumerate(R.PROVINCE_DEPTS):
        m = unit == u
        p_instant[m & is_lic] = pd.instant_license
        p_zero[m] = pd.zero_visit
        compression[m] = pd.compression
    for code, ur in R.UNIT_RATES.items():
        if code in R.DIRECT_ADMIN:
            m = region == code
            p_ua[m] = ur.ua_city / ur.items_city
            p_proc[m] = ur.proc_city
            m_unit = unit == UNIT_OF_DIRECT[code]
        else:
            m = (level == "city") & (region == code)
            p_ua[m] = ur.ua_city / ur.items_city
            p_proc[m] = ur.proc_city
            if ur.items_counties:
                m = (level == "county") & (city_of == code)
                p_ua[m] = ur.ua_counties / ur.items_counties
                p_proc[m] = ur.proc_counties
            m_unit = unit == UNIT_OF_CITY[code]
        p_active_item[m_unit & is_lic] = ur.license_incidence
        p_active_item[m_unit & ~is_lic] = ur.incidence

    instant = rng.random(n) < p_instant
    zero_visit = rng.random(n) < p_zero
    ua = rng.random(n) < p_ua
    legal_choices = np.array([5, 10, 15, 20, 20, 20, 30, 30, 45, 60])
    legal = legal_choices[rng.integers(0, len(legal_choices), n)]
    legal = np.where(rng.random(n) < np.where(is_lic, 0.03, 0.3), 0, legal)
    # Promised limits: 即办件 0; 承诺件 compressed so that a department's overall compression
    # (即办件 included) comes out near its table-1 figure.
    s = np.where(is_lic, p_instant, 0.45)
    c_eff = np.clip((compression - s) / np.maximum(1 - s, 1e-9), 0.0, 0.97)
    c_item = np.clip(c_eff + rng.normal(0, 0.08, n) * (c_eff > 0), 0.0, 0.97)
    promised = np.clip(np.rint(legal * (1 - c_item)), 1, None).astype(np.int64)
    promised = np.where(legal == 0, 0, np.minimum(promised, legal))
    promised = np.where(instant, 0, promised)
    promised_null = (rng.random(n) < 0.05) | ((legal == 0) & (rng.random(n) < 0.4))
    promised_null &= ~instant

    # Process completeness (table 2/3): a published item either is complete or has one defect.
    complete = rng.random(n) < p_proc
    defect = np.where(complete & pub, -1, rng.choice(5, n, p=[0.35, 0.2, 0.2, 0.15, 0.1]))
    # 0 blank handler, 1 no steps, 2 limits over promised, 3 blank result, 4 blank criteria
    defect = np.where((defect == 2) & promised_null, 0, defect)
    defect = np.where(~pub, np.where(rng.random(n) < 0.5, 1, -1), defect)

    # Items with no case all year: exactly table 10's counts for provincial departments.
    dormant = np.zeros(n, dtype=bool)
    for u, pd in enumerate(R.PROVINCE_DEPTS):
        for lic, k in ((True, pd.no_case_license), (False, pd.no_case_items - pd.no_case_license)):
            cand = np.flatnonzero((unit == u) & pub & (is_lic == lic))
            dormant[rng.choice(cand, min(k, len(cand)), replace=False)] = True
    local = ~prov & pub
    dormant[local] = rng.random(local.sum()) >= p_active_item[local]

    # codes and names
    region_of = region.tolist()
    dept_seq = np.array([int(depts[i].dept_id[-3:]) for i in dept])
    first = np.r_[True, dept[1:] != dept[:-1]]
    k_in_dept = np.arange(n) - np.maximum.accumulate(np.where(first, np.arange(n), 0)) + 1
    codes = [f"{region_of[j]}{R.ITEM_TYPE_CODES[itype[j]]}{dept_seq[j]:03d}{k_in_dept[j]:04d}" for j in range(n)]
    topic_u = rng.random(n)
    templ_u = rng.random(n)
    var_u = rng.random(n)
    names = []
    results = []
    for j in range(n):
        topics = R.TOPICS[kinds[j]]
        templates, result = R.ITEM_TEMPLATES[ITEM_TYPES[itype[j]]]
        name = templates[int(templ_u[j] * len(templates))].format(topics[int(topic_u[j] * len(topics))])
        if is_lic[j]:
            name += R.ITEM_VARIANTS[int(var_u[j] * len(R.ITEM_VARIANTS))]
        names.append(name)
        results.append(result)
    results = np.array(results, dtype=object)
    results[defect == 3] = None
    handling = np.where(instant, "即办件", "承诺件")

    table = _table(
        "service_items",
        {
            "item_code": codes,
            "item_name": names,
            "dept_id": [depts[i].dept_id for i in dept],
            "item_type": [ITEM_TYPES[t] for t in itype],
            "published": pub,
            "handling_type": handling,
            "zero_visit": zero_visit,
            "legal_limit_days": legal,
            "promised_limit_days": pa.array(promised, mask=promised_null),
            "result_spec": pa.array(results.tolist(), type=pa.string()),
            "unified_acceptance": ua,
        },
    )
    work_days = np.where(promised_null, np.where(legal > 0, legal, 10), np.where(promised > 0, promised, 0))
    return {
        "table": table,
        "code": np.array(codes),
        "dept": dept,
        "unit": unit,
        "type": itype,
        "published": pub,
        "instant": instant,
        "legal": legal,
        "promised": promised,
        "promised_null": promised_null,
        "defect": defect,
        "dormant": dormant,
        "work_days": work_days,
        "names": np.array(names, dtype=object),
        "level": level,
    }


def _build_steps(seed: int, items: dict) -> pa.Table:
    rng = rng_for(seed, 4)
    n = len(items["code"])
    n_steps = np.where(items["instant"], 2, rng.choice([3, 4, 5], n, p=[0.4, 0.4, 0.2]))
    n_steps = np.where(items["defect"] == 1, 0, n_steps)
    item = np.repeat(np.arange(n), n_steps)
    first = np.r_[0, np.cumsum(n_steps)[:-1]]
    k = np.arange(len(item)) - np.repeat(first, n_steps)
    ns = n_steps[item]
    flat = [s for m in (2, 3, 4, 5) for s in R.STEP_TEMPLATES[m]]
    first_template = np.cumsum([0, 2, 3, 4])  # where the templates of 2, 3, 4, 5 steps start in `flat`
    tidx = first_template[ns - 2] + k
    step_name = np.array([f[0] for f in flat], dtype=object)[tidx]
    handler = np.array([f[1] for f in flat], dtype=object)[tidx]
    criteria = np.array([f[2] for f in flat], dtype=object)[tidx]
    share = np.array([f[3] for f in flat])[tidx]
    limit_base = np.where(items["promised_null"], items["legal"], items["promised"])[item]
    limit = np.floor(limit_base * share).astype(np.int64)
    last = k == ns - 1
    defect = items["defect"][item]
    # one defective step per defective item: the last one (simple and enough)
    limit = np.where(last & (defect == 2), limit + 1 + rng.integers(0, 5, len(item)), limit)
    blank = np.where(rng.random(len(item)) < 0.5, None, " ")
    handler = np.where(last & (defect == 0), blank, handler)
    criteria = np.where(last & (defect == 4), blank, criteria)
    return _table(
        "item_steps",
        {
            "item_code": pa.array(items["code"][item].tolist(), type=pa.string()),
            "step_no": pa.array(k + 1, type=pa.int64()),
            "step_name": pa.array(step_name.tolist(), type=pa.string()),
            "handler": pa.array(handler.tolist(), type=pa.string()),
            "time_limit_days": pa.array(limit, type=pa.int64()),
            "review_criteria": pa.array(criteria.tolist(), type=pa.string()),
        },
    )


# --- seals, licences, systems, branch hall ---------------------------------------------------


def _rand_ts(rng, start: dt.date, end: dt.date, size=None) -> np.ndarray:
    """Uniform local timestamps in office hours between two dates (inclusive)."""
    days = rng.integers(0, (end - start).days + 1, size)
    tod = rng.integers(8 * 3600 + 1800, 18 * 3600, size)
    return seconds(start) + days * DAY + tod


def _mutate_check(rng, code: str) -> str:
    wrong = [c for c in USCC_CHARSET if c != code[-1]]
    return code[:-1] + wrong[int(rng.integers(0, len(wrong)))]


def _build_seals(seed: int, depts: list[Dept]) -> pa.Table:
    """Seals such that each city area's coverage is near table 7's (郑州's old CA seals: wrong USCCs)."""
    rng = rng_for(seed, 5)
    valid = np.zeros(len(depts), dtype=bool)
    for i, d in enumerate(depts):
        if d.level == "province" or d.is_tax:
            valid[i] = d.is_tax or rng.random() < 0.92
    areas: dict[str, list[int]] = {}
    for i, d in enumerate(depts):
        if d.level != "province" and not d.is_tax:
            areas.setdefault(d.city, []).append(i)
    zz_wrong: list[int] = []
    for city, members in areas.items():
        k = max(round(R.UNIT_RATES[city].seal_coverage * len(members)), 1)
        valid[rng.choice(members, k, replace=False)] = True
        if city == "410100":
            zz_wrong = [i for i in members if not valid[i]]
    zz_extra = rng.multinomial(max(225 - len(zz_wrong), 0), np.full(len(zz_wrong), 1 / len(zz_wrong)))
    zz_seals = dict(zip(zz_wrong, 1 + zz_extra))
    rows: list[tuple] = []
    for i, d in enumerate(depts):
        if valid[i]:
            if rng.random() < 0.15:
                rows.append((i, d.uscc, "revoked", _rand_ts(rng, dt.date(2017, 3, 1), dt.date(2018, 12, 31))))
            rows.append((i, d.uscc, "active", _rand_ts(rng, dt.date(2019, 3, 1), dt.date(2020, 12, 24))))
            if rng.random() < 0.1:
                rows.append((i, d.uscc, "active", _rand_ts(rng, dt.date(2019, 6, 1), dt.date(2020, 12, 24))))
            continue
        if i in zz_seals:  # 郑州市原 CA 系统 seals: 统一社会信用代码错误
            for _ in range(zz_seals[i]):
                wrong = (
                    _mutate_check(rng, d.uscc) if rng.random() < 0.6 else depts[int(rng.integers(0, len(depts)))].uscc
                )
                rows.append((i, wrong, "active", _rand_ts(rng, dt.date(2018, 9, 1), dt.date(2019, 12, 31))))
            continue
        r = rng.random()
        if r < 0.4:
            continue  # no seal at all
        if r < 0.75:
            wrong = _mutate_check(rng, d.uscc) if rng.random() < 0.5 else depts[int(rng.integers(0, len(depts)))].uscc
            rows.append((i, wrong, "active", _rand_ts(rng, dt.date(2019, 3, 1), dt.date(2020, 12, 20))))
        else:
            rows.append((i, d.uscc, "revoked", _rand_ts(rng, dt.date(2018, 1, 1), dt.date(2020, 6, 30))))
    return _table(
        "e_seals",
        {
            "seal_id": [f"YZ{depts[r[0]].region}{n:06d}" for n, r in enumerate(rows, 1)],
            "dept_id": [depts[r[0]].dept_id for r in rows],
            "uscc": [r[1] for r in rows],
            "status": [r[2] for r in rows],
            "created_at": ts_array(np.array([r[3] for r in rows], dtype=np.int64)),
        },
    )


def _build_licenses(seed: int, depts: list[Dept]) -> tuple[pa.Table, pa.Table]:
    """Tables 4 and 5 reproduced exactly (counts, Σ sealed, statuses); table 6's statuses too."""
    rng = rng_for(seed, 6)
    by_name = {d.name: d for d in depts if d.level == "province"}
    # Codes: table 5's types first, in its print order, then the others in table 4's order.
    national = {(n, dept): (k, status) for k, (n, dept, status) in enumerate(R.NATIONAL_PROVINCE_TYPES)}
    n_other = len(national)
    types: list[tuple] = []
    stats: list[tuple] = []
    for dept_name, names, n_sealed, total in R.PROVINCE_LICENSES:
        d = by_name[dept_name]
        sealed = 1 + rng.multinomial(total - n_sealed, rng.dirichlet(np.full(n_sealed, 0.7)))
        for j, name in enumerate(names):
            k, status = national.get((name, dept_name), (None, None))
            if k is None:
                n_other += 1
            code = f"DZZZ41P{(k + 1 if k is not None else n_other):03d}"
            types.append((code, name, "province", d.dept_id, None, status is not None))
            s = int(sealed[j]) if j < n_sealed else 0
            if status == R.T5_STATUS_NONE:
                assert s == 0, name
            if status == R.T5_STATUS_NONCONFORMANT:
                c = 0
            elif s:
                c = max(1, int(round(s * rng.uniform(0.3, 1.0))))
            else:
                c = 0
            issued = s + (0 if rng.random() < 0.4 else int(round(max(s, 20) * rng.uniform(0, 0.3))))
            stats.append((code, d.dept_id, issued, s, c))
    assert n_other == 234, n_other
    types.sort()
    stats.sort()
    city_depts = {(d.city, d.kind): d for d in depts if d.level == "city"}
    for m, (name, category, kind, status) in enumerate(R.CITY_LICENSE_TYPES, 1):
        code = f"DZZZ41C{m:02d}"
        types.append((code, name, "city", None, category, True))
        big = name.startswith("不动产")
        if status == R.T6_SOME:
            having = set(rng.choice(len(CITY_CODES), int(rng.integers(3, 15)), replace=False).tolist())
        else:
            having = set(range(len(CITY_CODES))) if status == R.T6_ALL else set()
        for ci, city in enumerate(CITY_CODES):
            d = city_depts[(city, kind)]
            scale = R.POPULATION[city][0] / 5e6
            if ci in having:
                s = max(1, int(rng.integers(20_000, 150_000) * scale) if big else int(rng.integers(5, 3000) * scale))
                c = max(1, int(round(s * rng.uniform(0.2, 1.0))))
            else:
                s = int(rng.integers(1, 500)) if (status != R.T6_NONE and rng.random() < 0.4) else 0
                c = 0
            issued = s + int(rng.integers(0, 200)) * (rng.random() < 0.6)
            stats.append((code, d.dept_id, issued, s, c))
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


def _build_auth(seed: int, depts: list[Dept]) -> pa.Table:
    """Most systems integrated; the not-integrated ones are exactly tables 12 and 13."""
    rng = rng_for(seed, 7)
    rows: list[tuple] = []

    def url() -> str | None:
        if rng.random() < 0.2:
            return None
        a, b, c = rng.integers(1, 255, 3)
        return f"http://10.{a}.{b}.{c}:{int(rng.choice([80, 8080, 8000, 9090]))}/"

    open_prov = {}
    for dept, name, started, u in R.OPEN_PROVINCE_SYSTEMS:
        open_prov.setdefault(dept, []).append((name, started, u))
    for d in depts:
        if d.level == "province" and d.unit >= 0:
            for suffix in rng.choice(R.SYSTEM_SUFFIXES, int(rng.integers(1, 4)), replace=False):
                rows.append((d.name + str(suffix), d.dept_id, url(), True, True))
            for name, started, u in open_prov.get(d.name, []):
                rows.append((name, d.dept_id, u, started, False))
    open_cnty = {(c, kind): (name, started, u) for c, kind, name, started, u in R.OPEN_COUNTY_SYSTEMS}
    for code in R.DIRECT_ADMIN:
        members = [d for d in depts if d.region == code]
        for j in sorted(rng.choice(len(members), int(rng.integers(3, 7)), replace=False)):
            d = members[j]
            rows.append((d.name + str(rng.choice(R.SYSTEM_SUFFIXES)), d.dept_id, url(), True, True))
        for d in members:
            if (code, d.kind) in open_cnty:
                name, started, u = open_cnty[(code, d.kind)]
                rows.append((name, d.dept_id, u, started, False))
    return _table(
        "auth_systems",
        {
            "system_id": [f"SYS{n:05d}" for n in range(1, len(rows) + 1)],
            "system_name": [r[0] for r in rows],
            "dept_id": [r[1] for r in rows],
            "url": [r[2] for r in rows],
            "integration_started": [r[3] for r in rows],
            "integrated": [r[4] for r in rows],
        },
    )


def _build_branch(seed: int, depts: list[Dept], items: dict) -> pa.Table:
    """Table 18's counts per city exactly (when every item is online by the snapshot)."""
    rng = rng_for(seed, 8)
    item_city = np.array([depts[i].city or "" for i in items["dept"]])
    eligible = items["published"] & (items["level"] != "direct")
    cols = {k: [] for k in ("region_code", "item_code", "item_name", "is_query", "online_at")}
    for city in CITY_CODES:
        ur = R.UNIT_RATES[city]
        pool = np.flatnonzero(eligible & (item_city == city))
        chosen = np.sort(rng.choice(pool, ur.branch_items, replace=False))
        is_query = np.ones(len(chosen), dtype=bool)
        is_query[rng.choice(len(chosen), ur.branch_non_query, replace=False)] = False
        late = rng.random(len(chosen)) < 0.05
        online = np.where(
            late,
            _rand_ts(rng, dt.date(2020, 12, 12), dt.date(2020, 12, 24), len(chosen)),
            _rand_ts(rng, dt.date(2020, 3, 1), dt.date(2020, 12, 11), len(chosen)),
        )
        cols["region_code"] += [city] * len(chosen)
        cols["item_code"] += items["code"][chosen].tolist()
        cols["item_name"] += items["names"][chosen].tolist()
        cols["is_query"] += is_query.tolist()
        cols["online_at"].append(online)
    cols["online_at"] = ts_array(np.concatenate(cols["online_at"]))
    return _table("branch_hall_items", cols)


# --- events ----------------------------------------------------------------------------------


def _pii(rng, n: int, region_int: np.ndarray) -> dict[str, np.ndarray]:
    """Raw draws for ID numbers, names and phones; turned into text only for delivered rows."""
    birth = np.datetime64("1950-01-01") + rng.integers(0, 19_000, n).astype("timedelta64[D]")
    y = birth.astype("datetime64[Y]").astype(np.int64) + 1970
    mth = birth.astype("datetime64[M]").astype(np.int64) % 12 + 1
    d = (birth - birth.astype("datetime64[M]")).astype(np.int64) + 1
    id17 = region_int * 10**11 + (y * 10000 + mth * 100 + d) * 1000 + rng.integers(0, 1000, n)
    return {
        "id17": id17,
        "sur": rng.integers(0, len(R.SURNAMES), n),
        "g1": rng.integers(0, len(R.GIVEN_CHARS), n),
        "g2": np.where(rng.random(n) < 0.7, rng.integers(0, len(R.GIVEN_CHARS), n), len(R.GIVEN_CHARS)),
        "phone": rng.choice(np.array(R.PHONE_PREFIXES, dtype=np.int64), n) * 10**8 + rng.integers(0, 10**8, n),
    }


_ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
_ID_CHECK = np.array(list("10X98765432"), dtype=object)
_SURNAMES = pa.array(R.SURNAMES)
_GIVEN = pa.array(R.GIVEN_CHARS + [""])


def id_numbers(id17: np.ndarray) -> pa.Array:
    """18-character resident ID numbers (GB 11643 check character)."""
    digits = (id17[:, None] // 10 ** np.arange(16, -1, -1)) % 10
    check = _ID_CHECK[(digits * _ID_WEIGHTS).sum(axis=1) % 11]
    return pc.binary_join_element_wise(
        pc.cast(pa.array(id17), pa.string()), pa.array(check.tolist(), type=pa.string()), ""
    )


def person_names(sur, g1, g2) -> pa.Array:
    return pc.binary_join_element_wise(
        pc.take(_SURNAMES, pa.array(sur)), pc.take(_GIVEN, pa.array(g1)), pc.take(_GIVEN, pa.array(g2)), ""
    )


def _day_of(sec: np.ndarray) -> np.ndarray:
    return sec - sec % DAY


def _draw_days(rng, start: int, n_days: int, n: int) -> np.ndarray:
    weekday = ((start // DAY + np.arange(n_days)) + 3) % 7  # 1970-01-01 was a Thursday
    w = WEEKDAY_WEIGHT[weekday]
    return start + rng.choice(n_days, n, p=w / w.sum()) * DAY


@dataclass
class Block:
    """One month of event history (every version), before any delivery window."""

    cases: dict[str, np.ndarray]
    evals: dict[str, np.ndarray]
    tickets: dict[str, np.ndarray]


def event_block(w: World, scale: float, year: int, month: int) -> Block:
    rng = rng_for(w.seed, 100, year, month)
    start = seconds(dt.date(year, month, 1))
    nxt = dt.date(year + month // 12, month % 12 + 1, 1)
    n_days = (nxt - dt.date(year, month, 1)).days
    ym = year * 100 + month

    # cases
    lam = w.item_rate * scale * n_days / 365.0 * MONTH_FACTOR[month - 1]
    item = np.repeat(np.arange(len(lam)), rng.poisson(lam))
    n = len(item)
    unit = w.item_unit[item]
    day = _draw_days(rng, start, n_days, n)
    u = rng.random(n)
    v = rng.random(n)
    net = u < w.unit_p_net[unit]
    channel = np.where(net, np.where(v < 0.7, 0, 1), np.where(v < 0.85, 2, np.where(v < 0.95, 3, 4)))
    tod = np.where(net, rng.integers(7 * 3600, 23 * 3600, n), rng.integers(8 * 3600 + 1800, 17 * 3600 + 1800, n))
    accepted = day + tod
    order = np.lexsort((item, accepted))
    item, unit, channel, accepted = item[order], unit[order], channel[order], accepted[order]
    qc = rng.random(n) < w.unit_p_qc[unit]
    instant = w.item_instant[item]
    days = w.item_days[item]
    never = rng.random(n) < 0.015
    late = rng.random(n) < 0.04
    lag = np.maximum(1, np.ceil(np.where(days > 0, days, 10) * rng.beta(2, 3, n))).astype(np.int64)
    lag = np.minimum(np.where(late, np.maximum(days, 1) + rng.integers(1, 11, n), lag), 60)
    same_day = np.minimum(accepted + rng.integers(300, 7200, n), _day_of(accepted) + DAY - 1)
    later = _day_of(accepted) + lag * DAY + rng.integers(9 * 3600, 17 * 3600 + 1800, n)
    completed = np.where(instant, same_day, later)
    completed = np.where(never, NULL_TS, completed)
    dept = w.item_dept[item]
    region = np.where(w.dept_is_county[dept], w.dept_region_int[dept], rng.choice(w.county_codes, n))
    pii = _pii(rng, n, region)
    case_seq = np.arange(n)
    # versions: 'accepted' (completed_at empty) unless completed the same day; 'completed'
    two = ~never & (_day_of(completed) != _day_of(accepted))
    v1 = two | never
    v2 = ~never
    rows = np.concatenate([np.flatnonzero(v1), np.flatnonzero(v2)])
    is_v2 = np.r_[np.zeros(v1.sum(), bool), np.ones(v2.sum(), bool)]
    cases = {
        "seq": case_seq[rows],
        "ym": np.full(len(rows), ym),
        "item": item[rows],
        "dept": dept[rows],
        "channel": channel[rows],
        "accepted": accepted[rows],
        "completed": np.where(is_v2, completed[rows], NULL_TS),
        "qc": qc[rows],
        "updated": np.where(is_v2, completed[rows], accepted[rows]),
        **{k: a[rows] for k, a in pii.items()},
    }

    # evaluations of completed cases
    pa_ = w.unit_p_active[unit]
    r = rng.random(n)
    active = (r < pa_) & ~never
    default = (r >= pa_) & (r < pa_ + 0.3 * (1 - pa_)) & ~never
    ev = np.flatnonzero(active | default)
    m = len(ev)
    act = active[ev]
    evaluated = np.where(
        act,
        completed[ev] + np.minimum(rng.exponential(4 * 3600, m).astype(np.int64), 3 * DAY),
        completed[ev] + 5 * DAY + rng.integers(0, 3600, m),
    )
    rating = np.where(act, rng.choice([5, 4, 3, 2, 1], m, p=[0.93, 0.035, 0.012, 0.012, 0.011]), 5)
    bad = act & (rating <= 2)
    due = _day_of(evaluated) + 8 * DAY - 1
    p_rect = w.unit_p_rectify[unit[ev]]
    rr = rng.random(m)
    on_time = rr < p_rect
    late_r = ~on_time & (rr < p_rect + (1 - p_rect) * 0.6)
    rect = np.where(
        on_time,
        evaluated + 3600 + (rng.random(m) * np.maximum(due - evaluated - 3600, 0)).astype(np.int64),
        np.where(late_r, due + rng.integers(DAY, 20 * DAY, m), NULL_TS),
    )
    rect = np.where(bad, rect, NULL_TS)
    link = rng.random(m) < w.unit_p_link[unit[ev]]
    unlinked_null = rng.random(m) < 0.5
    unknown_ref = rng.integers(0, 10**8, m)
    comment_u = rng.random(m)
    comment_kind = np.where(rating <= 2, 2, np.where(rating == 3, 1, 0))
    has_comment = act & np.where(comment_kind == 2, True, comment_u < np.where(comment_kind == 1, 0.6, 0.3))
    comment_t = rng.integers(0, 100, m)
    filler_days = rng.integers(3, 40, m)
    ev_pii = _pii(rng, m, region[ev])  # names and phones mentioned in comments
    ev_v2 = bad & (rect != NULL_TS)
    erows = np.concatenate([np.arange(m), np.flatnonzero(ev_v2)])
    e_is_v2 = np.r_[np.zeros(m, bool), np.ones(ev_v2.sum(), bool)]
    evals = {
        "seq": erows,
        "ym": np.full(len(erows), ym),
        "case_seq": ev[erows],
        "item": item[ev][erows],
        "dept": dept[ev][erows],
        "active": act[erows],
        "rating": rating[erows],
        "evaluated": evaluated[erows],
        "due": np.where(bad, due, NULL_TS)[erows],
        "rectified": np.where(e_is_v2, rect[erows], NULL_TS),
        "updated": np.where(e_is_v2, rect[erows], evaluated[erows]),
        "link": link[erows],
        "unlinked_null": unlinked_null[erows],
        "unknown_ref": unknown_ref[erows],
        "evaluator17": pii["id17"][ev][erows],
        "has_comment": has_comment[erows],
        "comment_kind": comment_kind[erows],
        "comment_t": comment_t[erows],
        "filler_days": filler_days[erows],
        "c_sur": ev_pii["sur"][erows],
        "c_g1": ev_pii["g1"][erows],
        "c_g2": ev_pii["g2"][erows],
        "c_phone": ev_pii["phone"][erows],
    }

    # tickets, at whole minutes
    lam_t = w.dept_ticket_rate * scale * n_days / 365.0
    cnt = rng.poisson(lam_t)
    t_dept = np.concatenate([np.repeat(np.arange(len(cnt)), cnt[:, 0]), np.repeat(np.arange(len(cnt)), cnt[:, 1])])
    kind = np.r_[np.zeros(cnt[:, 0].sum(), np.int64), np.ones(cnt[:, 1].sum(), np.int64)]
    k = len(t_dept)
    received = _draw_days(rng, start, n_days, k) + rng.integers(8 * 60, 20 * 60, k) * 60
    order = np.lexsort((t_dept, received))
    t_dept, kind, received = t_dept[order], kind[order], received[order]
    due_t = received + np.where(kind == 0, rng.integers(3, 6, k), rng.integers(10, 16, k)) * DAY
    p_on = w.dept_ticket_on_time[t_dept, kind]
    rt = rng.random(k)
    t_on = rt < p_on
    t_late = ~t_on & (rt < p_on + (1 - p_on) * 0.85)
    span = (due_t - received) // 60
    closed = np.where(
        t_on,
        received + (10 + (rng.random(k) * (span - 10)).astype(np.int64)) * 60,
        np.where(t_late, due_t + rng.integers(60, 15 * 24 * 60, k) * 60, NULL_TS),
    )
    t_pii = _pii(rng, k, w.dept_region_int[t_dept])
    t_v2 = closed != NULL_TS
    trows = np.concatenate([np.arange(k), np.flatnonzero(t_v2)])
    t_is_v2 = np.r_[np.zeros(k, bool), np.ones(t_v2.sum(), bool)]
    tickets = {
        "seq": trows,
        "ym": np.full(len(trows), ym),
        "kind": kind[trows],
        "dept": t_dept[trows],
        "received": received[trows],
        "due": due_t[trows],
        "closed": np.where(t_is_v2, closed[trows], NULL_TS),
        "updated": np.where(t_is_v2, closed[trows], received[trows]),
        "sur": t_pii["sur"][trows],
        "g1": t_pii["g1"][trows],
        "g2": t_pii["g2"][trows],
        "phone": t_pii["phone"][trows],
    }
    return Block(cases, evals, tickets)


def _concat_filtered(parts: list[dict[str, np.ndarray]], lo: int, hi: int) -> dict[str, np.ndarray]:
    keys = parts[0].keys()
    out = {}
    masks = [(p["updated"] >= lo) & (p["updated"] <= hi) for p in parts]
    for key in keys:
        out[key] = np.concatenate([p[key][m] for p, m in zip(parts, masks)])
    order = np.lexsort((out["seq"], out["ym"], out["updated"]))
    return {key: a[order] for key, a in out.items()}


def _ids(prefix: str, ym: np.ndarray, seq: np.ndarray, width: int) -> pa.Array:
    return pc.binary_join_element_wise(
        pa.scalar(prefix),
        pc.cast(pa.array(ym), pa.string()),
        pc.utf8_lpad(pc.cast(pa.array(seq + 1), pa.string()), width, "0"),
        "",
    )


def _months(first: dt.date, last: dt.date):
    y, m = first.year, first.month
    while (y, m) <= (last.year, last.month):
        yield y, m
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)


CHANNELS = np.array(["online", "mobile", "window", "kiosk", "other"], dtype=object)


def events(w: World, scale: float, window_start: dt.datetime, window_end: dt.datetime) -> dict[str, pa.Table]:
    """Every event version with window_start ≤ updated_at ≤ window_end, as typed tables."""
    lo, hi = seconds(window_start), seconds(window_end)
    first = window_start.date()
    first = dt.date(first.year - (first.month <= LOOKBACK_MONTHS), (first.month - LOOKBACK_MONTHS - 1) % 12 + 1, 1)
    blocks = [event_block(w, scale, y, m) for y, m in _months(first, window_end.date())]
    c = _concat_filtered([b.cases for b in blocks], lo, hi)
    e = _concat_filtered([b.evals for b in blocks], lo, hi)
    t = _concat_filtered([b.tickets for b in blocks], lo, hi)

    cases = _table(
        "cases",
        {
            "case_id": _ids("C", c["ym"], c["seq"], 7),
            "item_code": pa.array(w.item_code[c["item"]].tolist(), type=pa.string()),
            "dept_id": pa.array(w.dept_ids[c["dept"]].tolist(), type=pa.string()),
            "channel": pa.array(CHANNELS[c["channel"]].tolist(), type=pa.string()),
            "accepted_at": ts_array(c["accepted"]),
            "completed_at": ts_array(c["completed"]),
            "qc_passed": pa.array(c["qc"]),
            "applicant_id": id_numbers(c["id17"]),
            "applicant_name": person_names(c["sur"], c["g1"], c["g2"]),
            "applicant_phone": pc.cast(pa.array(c["phone"]), pa.string()),
            "updated_at": ts_array(c["updated"]),
        },
    )

    case_ref = _ids("C", e["ym"], e["case_seq"], 7)
    unknown = _ids("ZW", e["ym"], e["unknown_ref"], 8)
    case_id = pc.if_else(
        pa.array(e["link"]),
        case_ref,
        pc.if_else(pa.array(e["unlinked_null"]), pa.nulls(len(case_ref), pa.string()), unknown),
    )
    evals = _table(
        "evaluations",
        {
            "eval_id": _ids("E", e["ym"], e["seq"], 7),
            "case_id": case_id,
            "item_code": pa.array(w.item_code[e["item"]].tolist(), type=pa.string()),
            "dept_id": pa.array(w.dept_ids[e["dept"]].tolist(), type=pa.string()),
            "source": pa.array(np.where(e["active"], "active", "default").tolist(), type=pa.string()),
            "rating": pa.array(e["rating"], type=pa.int64()),
            "evaluated_at": ts_array(e["evaluated"]),
            "rectify_due_at": ts_array(e["due"]),
            "rectified_at": ts_array(e["rectified"]),
            "evaluator_id": id_numbers(e["evaluator17"]),
            "comment": _comments(e),
            "updated_at": ts_array(e["updated"]),
        },
    )

    tickets = _table(
        "tickets",
        {
            "ticket_id": _ids("T", t["ym"], t["seq"], 6),
            "kind": pa.array(np.where(t["kind"] == 0, "consultation", "complaint").tolist(), type=pa.string()),
            "dept_id": pa.array(w.dept_ids[t["dept"]].tolist(), type=pa.string()),
            "received_at": ts_array(t["received"]),
            "due_at": ts_array(t["due"]),
            "closed_at": ts_array(t["closed"]),
            "requester_name": person_names(t["sur"], t["g1"], t["g2"]),
            "requester_phone": pc.cast(pa.array(t["phone"]), pa.string()),
            "updated_at": ts_array(t["updated"]),
        },
    )
    return {"cases": cases, "evaluations": evals, "tickets": tickets}


def _comments(e: dict[str, np.ndarray]) -> pa.Array:
    """Free-text comments, some naming people or phone numbers (PII)."""
    groups = (R.GOOD_COMMENTS, R.MID_COMMENTS, R.BAD_COMMENTS)
    n = len(e["seq"])
    prefix = np.empty(n, dtype=object)
    suffix = np.empty(n, dtype=object)
    filler_kind = np.empty(n, dtype=object)
    for g, templates in enumerate(groups):
        m = e["comment_kind"] == g
        pick = e["comment_t"][m] % len(templates)
        prefix[m] = np.array([t.partition("{}")[0] for t, _ in templates], dtype=object)[pick]
        suffix[m] = np.array([t.partition("{}")[2] for t, _ in templates], dtype=object)[pick]
        filler_kind[m] = np.array([k for _, k in templates], dtype=object)[pick]
    name = np.array(person_names(e["c_sur"], e["c_g1"], e["c_g2"]).to_pylist(), dtype=object)
    phone = e["c_phone"].astype(str).astype(object)
    days = e["filler_days"].astype(str).astype(object)
    filler = np.where(
        filler_kind == "name", name, np.where(filler_kind == "phone", phone, np.where(filler_kind == "days", days, ""))
    )
    text = prefix + filler + suffix
    return pa.array(np.where(e["has_comment"], text, None).tolist(), type=pa.string())

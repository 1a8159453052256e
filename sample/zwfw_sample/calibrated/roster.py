"""Who reports: the regions and departments of the calibrated world.

The bulletin's rosters are fixed by what it prints, so they are built from the printed tables, not
drawn at random: the 42 provincial departments of table 1 in table-1 order (print order and ties
follow department order), the extra issuers/system owners printed only in tables 4 and 12 (they
must never get items, or they would join the rosters of tables 1/10/14/16), and per city area
exactly table 7's count of non-tax departments, plus tax departments at every city and county (left
out of table 7; a city or county may have several tax offices, which is what lets table 15's
department coverage print where table 7 alone leaves too few departments, e.g. 济源示范区).

Everything is scale- and seed-independent (the roster of a real province does not depend on how
many cases we simulate), deterministic, and cached.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

import numpy as np
import pyarrow as pa

from zwfw_contract.sources import SOURCES
from zwfw_sample import reference as R
from zwfw_sample.uscc import USCC_CHARSET, make_uscc

from .fractions import numerator_for
from .printed import printed_table, unit_rows

ROSTER_SEED = 20201225
_COLUMNS = {s.name: s.column_names for s in SOURCES}

# Functional kinds that every city level, county and direct county has: table 6's issuers
# (nr, housing, health, sport, eco, agri, transport, miit) plus the everyday service departments.
REQUIRED_LOCAL_KINDS = (
    "nr",
    "housing",
    "health",
    "sport",
    "eco",
    "agri",
    "transport",
    "miit",
    "police",
    "civil",
    "hrss",
    "edu",
    "market",
    "service",
)

# kind -> (city-level suffix, county-level suffix). reference.DEPT_KINDS first (tax handled apart),
# with county names for the kinds it keeps at city level only, then more real bodies so that a
# unit of 60+ departments still has distinct, realistic names.
_LOCAL_KINDS: dict[str, tuple[str, str | None]] = {
    **{k: v for k, v in R.DEPT_KINDS.items() if k != "tax"},
    "sci": ("科学技术局", "科学技术局"),
    "miit": ("工业和信息化局", "工业和信息化局"),
    "sport": ("体育局", "体育局"),
    "forestry": ("林业局", "林业局"),
    "airdef": ("人民防空办公室", "人民防空办公室"),
    "gov_office": ("人民政府办公室", "人民政府办公室"),
    "foreign": ("人民政府外事办公室", None),
    "ethnic": ("民族宗教事务局", "民族宗教事务局"),
    "petition": ("信访局", "信访局"),
    "admin_affairs": ("机关事务管理局", "机关事务服务中心"),
    "archive": ("档案馆", "档案馆"),
    "finreg": ("地方金融监督管理局", "金融工作局"),
    "grain": ("粮食和物资储备局", "粮食和物资储备中心"),
    "poverty": ("扶贫开发办公室", "扶贫开发办公室"),
    "sasac": ("人民政府国有资产监督管理委员会", "国有资产事务中心"),
    "trading": ("公共资源交易中心", "公共资源交易中心"),
    "weather": ("气象局", "气象局"),
    "quake": ("地震局", "防震减灾中心"),
    "coop": ("供销合作社", "供销合作社"),
    "disabled": ("残疾人联合会", "残疾人联合会"),
    "redcross": ("红十字会", "红十字会"),
    "union": ("总工会", "总工会"),
    "women": ("妇女联合会", "妇女联合会"),
    "sci_assoc": ("科学技术协会", "科学技术协会"),
    "fed_ic": ("工商业联合会", "工商业联合会"),
    "realty": ("不动产登记中心", "不动产登记中心"),
    "social_ins": ("社会保险中心", "社会保险中心"),
    "employment": ("公共就业服务中心", "公共就业服务中心"),
    "fire": ("消防救援支队", "消防救援大队"),
    "traffic": ("公安局交通警察支队", "公安局交通警察大队"),
    "post": ("邮政管理局", None),
    "tobacco": ("烟草专卖局", "烟草专卖局"),
    "cdc": ("疾病预防控制中心", "疾病预防控制中心"),
    "blood": ("中心血站", None),
    "hospital": ("人民医院", "人民医院"),
    "tcm": ("中医院", "中医院"),
    "mch": ("妇幼保健院", "妇幼保健院"),
    "library": ("图书馆", "图书馆"),
    "museum": ("博物馆", "文物保护管理所"),
    "exam": ("招生考试中心", "招生办公室"),
    "notary": ("公证处", "公证处"),
    "legal_aid": ("法律援助中心", "法律援助中心"),
    "talent": ("人才交流中心", "人才交流中心"),
    "vet": ("动物疫病预防控制中心", "动物疫病预防控制中心"),
    "seed": ("种子管理站", "种子管理站"),
    "highway": ("公路管理局", "公路管理局"),
    "road_transport": ("道路运输管理局", "道路运输管理所"),
    "hydrology": ("水文水资源勘测局", None),
    "price": ("价格认证中心", "价格认证中心"),
    "land_reserve": ("土地储备中心", "土地储备中心"),
    "housing_security": ("住房保障中心", "住房保障服务中心"),
    "broadcast": ("广播电视台", "融媒体中心"),
    "quality": ("质量技术监督检验测试中心", "质量技术监督检验测试中心"),
    "special_equipment": ("特种设备检验所", None),
    "food_lab": ("食品药品检验检测中心", "食品药品检验检测中心"),
    "emergency_care": ("紧急医疗救援中心", "急救站"),
    "parks": ("园林绿化局", "园林绿化中心"),
    "sanitation": ("环境卫生管理处", "环境卫生管理所"),
    "edz": ("经济技术开发区管理委员会", "产业集聚区管理委员会"),
    "hitech": ("高新技术产业开发区管理委员会", "商务中心区管理委员会"),
    "agri_tech": ("农业技术推广中心", "农业技术推广中心"),
    "water_supply": ("供水管理处", "供水管理站"),
    "statistics_survey": ("社会经济调查队", "社会经济调查队"),
    "urban_planning": ("城乡规划设计研究院", None),
    "civil_registry": ("婚姻登记处", "婚姻登记处"),
    "social_welfare": ("社会福利院", "社会福利院"),
    "veterans_service": ("退役军人服务中心", "退役军人服务中心"),
    "medins_center": ("医疗保险中心", "医疗保险中心"),
}
# 济源示范区 has no counties; its city-level bodies go by 济源 names.
_CITY_PREFIX = {"419001": "济源示范区"}
# Short names printed in table 5's 责任部门 column that are not a department's full name.
ALIASES = {"省住建厅": "河南省住房和城乡建设厅", "省卫健委": "河南省卫生健康委员会"}
# 登记管理部门+机构类别 of a USCC: 11 机关, 12 事业单位, 13 群团, 91 企业.
_REGISTRY_BY_KIND = {
    "fund": "12",
    "trading": "12",
    "realty": "12",
    "social_ins": "12",
    "employment": "12",
    "cdc": "12",
    "blood": "12",
    "hospital": "12",
    "tcm": "12",
    "mch": "12",
    "library": "12",
    "museum": "12",
    "exam": "12",
    "notary": "12",
    "legal_aid": "12",
    "talent": "12",
    "vet": "12",
    "seed": "12",
    "hydrology": "12",
    "price": "12",
    "land_reserve": "12",
    "housing_security": "12",
    "broadcast": "12",
    "quality": "12",
    "special_equipment": "12",
    "food_lab": "12",
    "emergency_care": "12",
    "sanitation": "12",
    "agri_tech": "12",
    "water_supply": "12",
    "urban_planning": "12",
    "civil_registry": "12",
    "social_welfare": "12",
    "veterans_service": "12",
    "medins_center": "12",
    "disabled": "13",
    "redcross": "13",
    "union": "13",
    "women": "13",
    "sci_assoc": "13",
    "fed_ic": "13",
    "tobacco": "12",
}


@dataclass(frozen=True)
class Dept:
    """One department. `item_eligible` is False for the extra provincial issuers (see module doc)."""

    dept_id: str
    dept_name: str
    region_code: str
    uscc: str
    is_tax: bool
    kind: str  # functional kind ('nr' 自然资源, 'housing', 'tax', 'police', …; '' if none)
    level: str  # 'province' | 'city' | 'county' | 'direct'
    city: str | None  # region code of the city whose area it is in (None for province)
    item_eligible: bool = True


@dataclass(frozen=True)
class Roster:
    regions: pa.Table
    departments: pa.Table
    depts: tuple[Dept, ...]  # province departments first, in the bulletin's table-1 order
    _by_unit: dict[tuple[str, str], tuple[Dept, ...]] = field(repr=False, compare=False, default_factory=dict)
    _by_name: dict[str, Dept] = field(repr=False, compare=False, default_factory=dict)

    def unit_depts(self, scope: str, unit_code: str) -> tuple[Dept, ...]:
        """Members of a reporting unit (CONTRACT §4), tax departments included; () if none."""
        if scope not in _SCOPES:
            raise ValueError(f"unknown scope {scope!r}; one of {_SCOPES}")
        return self._by_unit.get((scope, unit_code), ())

    def dept_by_name(self, name: str) -> Dept:
        """A department by its printed name (full name, or table 5's short 省… form)."""
        name = name.strip()
        for candidate in (name, ALIASES.get(name, ""), "河南" + name if name.startswith("省") else ""):
            if candidate in self._by_name:
                return self._by_name[candidate]
        raise KeyError(f"no department named {name!r}")

    def region_by_name(self, name: str) -> str:
        """A region code by its printed name (tables 13, 17, …)."""
        names = self.regions.column("region_name").to_pylist()
        codes = self.regions.column("region_code").to_pylist()
        try:
            return codes[names.index(name.strip())]
        except ValueError:
            raise KeyError(f"no region named {name!r}") from None

    def item_depts(self) -> tuple[Dept, ...]:
        """Departments that may get service items (every one but the extra provincial issuers)."""
        return tuple(d for d in self.depts if d.item_eligible)

    @property
    def province_depts(self) -> tuple[Dept, ...]:
        return tuple(d for d in self.depts if d.level == "province")

    @property
    def city_codes(self) -> tuple[str, ...]:
        return tuple(c for c, _, _ in R.CITIES)

    @property
    def direct_codes(self) -> tuple[str, ...]:
        return tuple(sorted(R.DIRECT_ADMIN))


_SCOPES = ("province_dept", "city_level", "city_counties", "city_total", "city_area", "city", "direct_county")


def _short(county: str) -> str:
    if county.endswith("回族区"):
        return county[:-3]
    if len(county) > 2 and county[-1] in "区县市":
        return county[:-1]
    return county


def _local_name(kind: str, city_name: str, county: str | None, direct: bool) -> str:
    """A realistic local name: city-level bodies take the city's name, district branches the city's."""
    if county is None:
        if kind == "tax":
            return f"国家税务总局{city_name.replace('示范区', '市')}税务局"
        return city_name + _LOCAL_KINDS[kind][0]
    district = county.endswith("区")
    if kind == "tax":
        return f"国家税务总局{city_name}{county}税务局" if district else f"国家税务总局{county}税务局"
    if kind == "eco":
        return f"{county}生态环境局" if direct else f"{city_name}生态环境局{_short(county)}分局"
    if kind == "police" and district:
        return f"{city_name}公安局{_short(county)}分局"
    if kind == "nr" and district:
        return f"{city_name}自然资源和规划局{_short(county)}分局"
    return county + _LOCAL_KINDS[kind][1]


def _province_rows() -> list[tuple[str, str, bool]]:
    """(name, kind, item_eligible): table 1 in order, then issuers/system owners printed elsewhere."""
    kind_of = {d.name: d.kind for d in R.PROVINCE_DEPTS} | dict(R.PROVINCE_EXTRA_DEPTS)
    names = [r["省直部门"] for r in unit_rows("t01")]
    rows = [(n, kind_of.get(n, ""), True) for n in names]
    extra = [r["颁证单位"] for r in unit_rows("t04")] + [r["省直部门"] for r in printed_table("t12")]
    for n in extra:
        if n not in names:
            names.append(n)
            rows.append((n, kind_of.get(n, ""), False))
    return rows


def _allocate(total: int, weights: np.ndarray, minimum: np.ndarray) -> np.ndarray:
    """Whole counts adding up to `total`, each ≥ its minimum, the rest proportional to weights."""
    minimum = np.asarray(minimum, dtype=np.int64)
    if total < minimum.sum():
        raise ValueError(f"{total} departments cannot give the units their minimum {minimum.sum()}")
    share = (total - minimum.sum()) * weights / weights.sum()
    base = np.floor(share).astype(np.int64)
    rest = total - int(minimum.sum()) - int(base.sum())
    base[np.argsort(-(share - base), kind="stable")[:rest]] += 1
    return base + minimum


def _min_departments(stem: str) -> dict[str, int]:
    """Per unit of table 15, the fewest departments with items whose whole share prints its
    主动评价覆盖部门率 (e.g. 94.87% needs 37/39): the unit must have at least that many departments."""
    out = {}
    for r in unit_rows(stem):
        text = r["主动评价覆盖部门率"]
        out[list(r.values())[1]] = next(d for d in range(1, 10_000) if numerator_for(text, d) is not None)
    return out


_CN_NUM = "一二三四五六七八九十"


def _tax_names(main: str, n: int, city_level: bool) -> list[str]:
    """The main tax bureau, then (city level) its 稽查局, then numbered 税务分局."""
    extra = [main.removesuffix("税务局") + "税务局稽查局"] if city_level else []
    k = 0
    while len(extra) < n - 1:
        k += 1
        extra.append(f"{main}第{_CN_NUM[k - 1] if k <= 10 else k}税务分局")
    return [main] + extra[: n - 1]


def _unit_kinds(rng: np.random.Generator, n: int, county: bool, direct: bool) -> list[str]:
    """`n` distinct non-tax kinds for one unit: the required ones, then the usual government
    departments (reference.DEPT_KINDS), then other bodies, each group in random order."""
    pool = [k for k, (c, cty) in _LOCAL_KINDS.items() if (cty if county else c) is not None]
    required = [k for k in pool if k in REQUIRED_LOCAL_KINDS]
    optional = [k for k in pool if k not in REQUIRED_LOCAL_KINDS]
    core = [k for k in optional if k in R.DEPT_KINDS]
    other = [k for k in optional if k not in R.DEPT_KINDS]
    ranked = rng.permutation(np.array(core)).tolist() + rng.permutation(np.array(other)).tolist()
    chosen = set(required) | set(ranked[: max(n - len(required), 0)])
    kinds = [k for k in pool if k in chosen]  # stable, name-table order
    return kinds + [f"extra{i}" for i in range(1, n - len(kinds) + 1)]


@cache
def build_roster() -> Roster:
    """The calibrated roster (deterministic; the same for every scale and seed)."""
    rng = np.random.default_rng(ROSTER_SEED)
    province = _province_rows()
    # (name, region, kind, level, city, is_tax, eligible)
    rows: list[tuple[str, str, str, str, str | None, bool, bool]] = [
        (n, R.PROVINCE_CODE, k, "province", None, k == "tax", e) for n, k, e in province
    ]
    ids = [f"D{R.PROVINCE_CODE}{i:03d}" for i in range(1, len(rows) + 1)]

    t07 = {r["省辖市"]: int(r["部门数量"]) for r in unit_rows("t07")}
    # Table 15's department coverage needs enough departments per unit (with 3 to spare, so that
    # not every one must publish items): tax departments (outside table 7's count) fill the gap
    # where table 7 leaves too few, as several tax offices per unit really exist.
    need_total = _min_departments("t15a") | _min_departments("t15b")
    spare = 3
    for city, city_name, counties in R.CITIES:
        cty = R.counties_of(counties)
        units = [(city, None, False)] + [(code, name, code in R.DIRECT_ADMIN) for code, name in cty]
        n_tax = np.r_[rng.integers(2, 5), rng.integers(1, 4, len(cty))]
        minimum = np.full(len(units), len(REQUIRED_LOCAL_KINDS))
        for j, (_code, cname, direct) in enumerate(units):
            if direct:
                minimum[j] = max(minimum[j], need_total[cname] + spare - n_tax[j])
        # The city level has more bodies (weight 1.6), a direct county more than a district.
        weights = np.r_[1.6, [1.2 if d else 1.0 for _, _, d in units[1:]]] * rng.uniform(0.85, 1.15, len(units))
        sizes = _allocate(t07[city_name], weights, minimum)
        not_direct = [j for j, u in enumerate(units) if not u[2]]
        short = need_total[city_name] + spare - int(sum(sizes[j] + n_tax[j] for j in not_direct))
        n_tax[0] += max(short, 0)
        prefix = _CITY_PREFIX.get(city, city_name)
        for (code, cname, direct), size, taxes in zip(units, sizes, n_tax):
            level = "city" if cname is None else "direct" if direct else "county"
            kinds = _unit_kinds(rng, int(size), cname is not None, direct)
            n0 = len(rows)
            for kind in kinds:
                if kind.startswith("extra"):
                    name = f"{cname or prefix}政务服务中心第{kind[5:]}分中心"
                    kind = ""
                else:
                    name = _local_name(kind, prefix, cname, direct)
                rows.append((name, code, kind, level, city, False, True))
            for name in _tax_names(_local_name("tax", prefix, cname, direct), int(taxes), cname is None):
                rows.append((name, code, "tax", level, city, True, True))
            ids += [f"D{code}{i:03d}" for i in range(1, len(rows) - n0 + 1)]

    names = [r[0] for r in rows]
    if len(set(names)) != len(names):
        dup = sorted({n for n in names if names.count(n) > 1})
        raise AssertionError(f"duplicate department names: {dup[:5]}")
    usccs = _usccs(rng, rows)
    depts = tuple(
        Dept(
            dept_id=i,
            dept_name=r[0],
            region_code=r[1],
            uscc=u,
            is_tax=r[5],
            kind=r[2],
            level=r[3],
            city=r[4],
            item_eligible=r[6],
        )
        for i, r, u in zip(ids, rows, usccs)
    )
    departments = pa.table(
        {
            "dept_id": ids,
            "dept_name": names,
            "region_code": [r[1] for r in rows],
            "uscc": usccs,
            "is_tax": pa.array([r[5] for r in rows], pa.bool_()),
        }
    ).select(list(_COLUMNS["departments"]))
    return Roster(
        regions=_regions(),
        departments=departments,
        depts=depts,
        _by_unit=_index(depts),
        _by_name={d.dept_name: d for d in depts},
    )


def _usccs(rng: np.random.Generator, rows) -> list[str]:
    """Unique valid USCCs: registry by kind, the department's region, a random 组织机构代码 body."""
    digits = np.array(list("0123456789"))
    letters = np.array(list(USCC_CHARSET))
    n = len(rows)
    old_style = ["00" + "".join(x) for x in rng.choice(digits, (n, 6))]
    new_style = [
        "MB" + a + b + "".join(c)
        for a, b, c in zip(rng.choice(digits, n), rng.choice(letters, n), rng.choice(digits, (n, 4)))
    ]
    bodies = np.where(rng.random(n) < 0.2, new_style, old_style)  # 20 % newer MB… bodies
    seen: set[str] = set()
    out = []
    for (name, region, kind, *_), body in zip(rows, bodies.tolist()):
        registry = R.USCC_REGISTRY.get(name, _REGISTRY_BY_KIND.get(kind, "11"))
        code = make_uscc(registry, region, body)
        while code in seen:  # rare: redraw the body
            code = make_uscc(registry, region, "00" + "".join(rng.choice(digits, 6)))
        seen.add(code)
        out.append(code)
    return out


def _regions() -> pa.Table:
    rows = [(R.PROVINCE_CODE, R.PROVINCE_NAME, "province", None, False)]
    for city, name, counties in R.CITIES:
        rows.append((city, name, "city", R.PROVINCE_CODE, False))
        rows += [(c, n, "county", city, c in R.DIRECT_ADMIN) for c, n in R.counties_of(counties)]
    cols = ("region_code", "region_name", "level", "parent_code", "direct_admin")
    data = {k: [r[i] for r in rows] for i, k in enumerate(cols)}
    data["direct_admin"] = pa.array(data["direct_admin"], pa.bool_())
    data["parent_code"] = pa.array(data["parent_code"], pa.string())
    return pa.table(data).select(list(_COLUMNS["regions"]))


def _index(depts: tuple[Dept, ...]) -> dict[tuple[str, str], tuple[Dept, ...]]:
    """Members of every unit of every scope (CONTRACT §4); `city` (table 18) = the city area."""
    idx: dict[tuple[str, str], list[Dept]] = {}
    for d in depts:
        if d.level == "province":
            keys = [("province_dept", d.dept_id)]
        elif d.level == "city":
            keys = [("city_level", d.city), ("city_total", d.city), ("city_area", d.city), ("city", d.city)]
        elif d.level == "county":
            keys = [("city_counties", d.city), ("city_total", d.city), ("city_area", d.city), ("city", d.city)]
        else:
            keys = [("direct_county", d.region_code), ("city_area", d.city), ("city", d.city)]
        for k in keys:
            idx.setdefault(k, []).append(d)
    return {k: tuple(v) for k, v in idx.items()}

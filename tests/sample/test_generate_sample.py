"""The sample delivery: files and formats, the Henan roster, the bulletin figures it reproduces,
the deliberately bad rows, determinism and delta deliveries."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import openpyxl
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from zwfw_contract.sources import SOURCES, SOURCES_BY_NAME
from zwfw_sample import delivery_window, generate_snapshot
from zwfw_sample.uscc import is_valid_uscc
from zwfw_sample.world import build_world

FIXTURES = Path(__file__).parents[1] / "fixtures" / "bulletin-2020-12-25"

EXPECTED_FILES = {
    "regions": ["regions.csv"],
    "population": ["population.csv"],
    "departments": ["departments.csv"],
    "e_seals": ["e_seals.xlsx"],
    "service_items": ["service_items/local.csv", "service_items/province.xlsx"],
    "item_steps": ["item_steps.parquet"],
    "cases": ["cases/part-000.csv", "cases/part-001.csv", "cases/part-002.parquet"],
    "evaluations": ["evaluations/part-000.parquet"],
    "tickets": ["tickets.csv"],
    "license_types": ["license_types.csv"],
    "license_stats": ["license_stats.csv"],
    "auth_systems": ["auth_systems.xlsx"],
    "branch_hall_items": ["branch_hall_items.csv"],
}


# --- reading back ----------------------------------------------------------------------------


def read_csv(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    return list(csv.DictReader(io.StringIO(text)))


def read_xlsx(path: Path) -> list[dict]:
    ws = openpyxl.load_workbook(path, read_only=True).worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], r)) for r in rows[1:]]


def read_any(path: Path) -> list[dict]:
    if path.suffix == ".csv":
        return read_csv(path)
    if path.suffix == ".xlsx":
        return read_xlsx(path)
    return pq.read_table(path).to_pylist()


def fixture(name: str) -> list[dict[str, str]]:
    return read_csv(FIXTURES / f"{name}.csv")


def source_rows(snap_dir: Path, source: str) -> list[dict]:
    return [r for f in EXPECTED_FILES[source] for r in read_any(snap_dir / f)]


@pytest.fixture(scope="module")
def snap(sample) -> Path:
    return sample[0].snapshot_dir


@pytest.fixture(scope="module")
def ref(snap):
    return {
        s: source_rows(snap, s)
        for s in (
            "regions",
            "population",
            "departments",
            "license_types",
            "license_stats",
            "auth_systems",
            "branch_hall_items",
        )
    }


# --- timing, files, formats ------------------------------------------------------------------


def test_default_generation_time_and_volume(sample, capsys):
    res, seconds = sample
    with capsys.disabled():
        print(
            f"\n[generate] default scale, snapshot 2020-12-25: {seconds:.2f}s, "
            f"{sum(res.rows.values())} rows: " + ", ".join(f"{k}={v}" for k, v in res.rows.items())
        )
    cases = {
        r
        for f in ("part-000.csv", "part-001.csv")
        for r in pacsv.read_csv(
            res.snapshot_dir / "cases" / f,
            convert_options=pacsv.ConvertOptions(column_types={"case_id": pa.string()}),
        )
        .column("case_id")
        .to_pylist()
    }
    cases |= set(pq.read_table(res.snapshot_dir / "cases" / "part-002.parquet").column("case_id").to_pylist())
    assert 50_000 < len(cases) < 250_000  # "on the order of 100k cases"


def test_every_source_in_its_formats(sample):
    res, _ = sample
    found = sorted(p.relative_to(res.snapshot_dir).as_posix() for p in res.snapshot_dir.rglob("*") if p.is_file())
    assert found == sorted(f for fs in EXPECTED_FILES.values() for f in fs)
    assert set(res.rows) == {s.name for s in SOURCES}
    for source, files in EXPECTED_FILES.items():
        expected = list(SOURCES_BY_NAME[source].column_names)
        for f in files:
            path = res.snapshot_dir / f
            if path.suffix == ".parquet":
                header = pq.read_schema(path).names
            elif path.suffix == ".xlsx":
                header = list(
                    next(openpyxl.load_workbook(path, read_only=True).worksheets[0].iter_rows(values_only=True))
                )
            else:
                header = next(csv.reader(io.StringIO(read_csv_text(path))))
            assert header == expected, f
        assert res.rows[source] == sum(len(read_any(res.snapshot_dir / f)) for f in files), source


def read_csv_text(path: Path) -> str:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("gb18030")


def test_csv_encodings(snap):
    dept = (snap / "departments.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        dept.decode("utf-8")
    assert "河南省发展和改革委员会" in dept.decode("gb18030")
    assert (snap / "population.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert not (snap / "regions.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    (snap / "regions.csv").read_bytes().decode("utf-8")


def test_xlsx_has_real_date_and_typed_cells(snap):
    seals = read_xlsx(snap / "e_seals.xlsx")
    assert all(isinstance(r["created_at"], dt.datetime) for r in seals if r["created_at"] is not None)
    items = read_xlsx(snap / "service_items" / "province.xlsx")
    assert {type(r["published"]) for r in items} == {bool}
    auth = read_xlsx(snap / "auth_systems.xlsx")
    assert {r["integration_started"] for r in auth} == {"是", "否"}
    assert {type(r["integrated"]) for r in auth} == {bool}


def test_spelling_variety(snap):
    tickets = (snap / "tickets.csv").read_text("utf-8")
    assert "年" in tickets and "２０" in tickets and "/" in tickets
    first = read_csv(snap / "tickets.csv")[0]
    assert not first["requester_phone"].isascii()  # full-width digits, so sniffers see text
    part1 = read_csv(snap / "cases" / "part-001.csv")
    assert {r["qc_passed"] for r in part1} <= {"是", "否"} and "/" in part1[0]["accepted_at"]
    assert {r["qc_passed"] for r in read_csv(snap / "cases" / "part-000.csv")} == {"TRUE", "FALSE"}
    assert {r["is_query"] for r in read_csv(snap / "branch_hall_items.csv")} == {"是", "否"}
    assert {r["is_tax"] for r in read_csv(snap / "departments.csv")} == {"是", "否"}


# --- roster --------------------------------------------------------------------------------


def test_regions_roster(ref):
    regions = ref["regions"]
    assert [r["region_code"] for r in regions if r["level"] == "province"] == ["410000"]
    cities = {r["region_code"]: r["region_name"] for r in regions if r["level"] == "city"}
    assert len(cities) == 18 and cities["410100"] == "郑州市" and cities["419001"] == "济源示范区"
    assert set(cities.values()) == {r["省辖市"] for r in fixture("t02")[:-1]}
    direct = [r for r in regions if r["direct_admin"] == "true"]
    assert len(direct) == 10
    assert {r["region_name"] for r in direct} == {r["省直管县（市）"] for r in fixture("t03")[:-1]}
    assert all(r["level"] == "county" and r["parent_code"] in cities for r in direct)
    counties = [r for r in regions if r["level"] == "county"]
    assert not [r for r in counties if r["parent_code"] == "419001"]
    per_city = {c: sum(r["parent_code"] == c for r in counties) for c in cities}
    assert all(n >= 3 for c, n in per_city.items() if c != "419001")
    assert {r["region_code"]: r["parent_code"] for r in direct}["410181"] == "410100"  # 巩义市 → 郑州市


def test_population(ref):
    pop = {(r["region_code"], r["year"]): int(r["resident_population"]) for r in ref["population"]}
    assert pop[("410100", "2019")] == 10_352_000 and pop[("410181", "2019")] == 844_000
    assert pop[("410300", "2019")] == 6_922_200
    units = [r["region_code"] for r in ref["regions"] if r["level"] == "city" or r["direct_admin"] == "true"]
    assert all((u, y) in pop for u in units for y in ("2019", "2020"))


def test_departments(ref):
    depts = ref["departments"]
    assert len({d["dept_id"] for d in depts}) == len(depts)
    assert all(d["dept_id"][0] == "D" and d["dept_id"][1:].isdigit() for d in depts)
    assert all(is_valid_uscc(d["uscc"]) for d in depts)
    assert len({d["uscc"] for d in depts}) == len(depts)
    province = [d["dept_name"] for d in depts if d["region_code"] == "410000"]
    assert province[:42] == [r["省直部门"] for r in fixture("t01")[:-1]]  # names and order as printed
    assert {"河南省侨办", "河南省粮食局", "河南省电影局", "河南省广播电视台"} <= set(province)
    tax = {d["dept_name"] for d in depts if d["is_tax"] == "是"}
    assert {"国家税务总局河南省税务局", "国家税务总局郑州市税务局"} <= tax
    by_region: dict[str, int] = {}
    for d in depts:
        by_region[d["region_code"]] = by_region.get(d["region_code"], 0) + 1
    cities = [r["region_code"] for r in ref["regions"] if r["level"] == "city"]
    assert all(15 <= by_region[c] <= 30 for c in cities)
    counties = [r["region_code"] for r in ref["regions"] if r["level"] == "county" and r["direct_admin"] != "true"]
    assert all(8 <= by_region[c] <= 15 for c in counties)


def test_items_and_steps(snap):
    items = source_rows(snap, "service_items")
    codes = [r["item_code"] for r in items]
    assert len(set(codes)) == len(codes)  # unique province-wide (the bad rows have codes of their own)
    types = {r["item_type"] for r in items}
    assert types == set(SOURCES_BY_NAME["service_items"].column("item_type").enum)
    province = read_xlsx(snap / "service_items" / "province.xlsx")
    per_dept: dict[str, int] = {}
    for r in province:
        if r["published"]:
            per_dept[r["dept_id"]] = per_dept.get(r["dept_id"], 0) + 1
    assert sum(per_dept.values()) == int(fixture("t10")[-1]["政务服务事项总数"])  # 2803, as printed
    steps = pq.read_table(snap / "item_steps.parquet")
    assert steps.num_rows > len(items) and pc.min(steps["step_no"]).as_py() == 1


# --- bulletin figures reproduced by construction ---------------------------------------------


def test_table4_and_5_licences(ref):
    depts = {d["dept_id"]: d["dept_name"] for d in ref["departments"]}
    types = {t["type_code"]: t for t in ref["license_types"]}
    per: dict[str, list[int]] = {}
    status: dict[str, list[int]] = {}
    for s in ref["license_stats"]:
        issued, sealed, conf = int(s["issued_count"]), int(s["sealed_count"]), int(s["conformant_count"])
        t = types[s["type_code"]]
        if conf > sealed:  # the deliberately bad row
            continue
        assert conf <= sealed <= issued
        if t["level"] == "province":
            p = per.setdefault(depts[s["issuer_dept_id"]], [0, 0, 0])
            p[0] += 1
            p[1] += sealed > 0
            p[2] += sealed
            if t["national_standard"] == "true":
                status[t["type_name"]] = [sealed, conf]
    for row in fixture("t04")[:-1]:
        assert per[row["颁证单位"]] == [
            int(row["责任证照种类(种)"]),
            int(row["加盖电子印章的证照类型数量(种)"]),
            int(row["加盖电子印章的证照数量(个)"]),
        ], row["颁证单位"]
    assert len(per) == 30
    printed_t5 = [r["工程标准名称"] for r in fixture("t05")]
    assert [
        t["type_name"] for t in ref["license_types"] if t["level"] == "province" and t["national_standard"] == "true"
    ] == printed_t5
    for row in fixture("t05"):
        sealed, conf = status[row["工程标准名称"]]
        expected = "未制成" if sealed == 0 else "已制作,但不符合国家工程标准" if conf == 0 else "已制出部分证照"
        assert row["标准化制作进展情况"] == expected


def test_table6_city_licences(ref):
    city_types = [t for t in ref["license_types"] if t["level"] == "city"]
    assert [(t["type_name"], t["issuer_category"]) for t in city_types] == [
        (r["工程标准名称"], r["责任部门"]) for r in fixture("t06")
    ]
    dept_region = {d["dept_id"]: d["region_code"] for d in ref["departments"]}
    for t, row in zip(city_types, fixture("t06")):
        having = {
            dept_region[s["issuer_dept_id"]]
            for s in ref["license_stats"]
            if s["type_code"] == t["type_code"]
            and int(s["conformant_count"]) > 0
            and int(s["conformant_count"]) <= int(s["sealed_count"])
        }
        n = len(having)
        expected = "各市均已制作部分证照" if n == 18 else "各市均未制出" if n == 0 else "部分市已生成部分证照"
        assert row["标准化制作进展情况"] == expected, t["type_name"]


def test_tables_12_13_open_systems(ref):
    depts = {d["dept_id"]: d for d in ref["departments"]}
    regions = {r["region_code"]: r["region_name"] for r in ref["regions"]}
    open_ = [(depts[a["dept_id"]], a) for a in ref["auth_systems"] if a["integrated"] is False]
    prov = {
        (d["dept_name"], a["system_name"], a["integration_started"], a["url"])
        for d, a in open_
        if d["region_code"] == "410000"
    }
    assert prov == {(r["省直部门"], r["系统名称"], r["是否开展对接"], r["备注"]) for r in fixture("t12")}
    cnty = {
        (regions[d["region_code"]], a["system_name"], a["integration_started"], a["url"])
        for d, a in open_
        if d["region_code"] != "410000"
    }
    assert cnty == {(r["所属地区"], r["系统名称"], r["是否开展对接"], r["备注"]) for r in fixture("t13")}


def test_table18_branch_hall(ref):
    names = {r["region_code"]: r["region_name"] for r in ref["regions"]}
    got: dict[str, list[int]] = {}
    for r in ref["branch_hall_items"]:
        g = got.setdefault(names[r["region_code"]], [0, 0])
        g[0] += 1
        g[1] += r["is_query"] == "否"
    for row in fixture("t18")[:-1]:
        assert got[row["省辖市"]] == [int(row["分厅事项接入数量(项)"]), int(row["非查询类事项上线数量(项)"])]


def test_zhengzhou_seals_have_wrong_usccs(snap, ref):
    depts = {d["dept_id"]: d for d in ref["departments"]}
    seals = read_xlsx(snap / "e_seals.xlsx")
    zz = [s for s in seals if depts[s["dept_id"]]["region_code"][:4] == "4101"]
    wrong = [s for s in zz if s["uscc"] != depts[s["dept_id"]]["uscc"] or not is_valid_uscc(s["uscc"])]
    assert len(wrong) == 225  # 郑州市原 CA 系统已制作印章 225 枚，但由于统一社会信用代码错误
    assert any(not is_valid_uscc(s["uscc"]) for s in wrong) and any(is_valid_uscc(s["uscc"]) for s in wrong)
    assert {s["status"] for s in seals} == {"active", "revoked"}


# --- events --------------------------------------------------------------------------------


def test_events_content(snap):
    cases = pq.read_table(snap / "cases" / "part-002.parquet").to_pylist()
    assert {c["channel"] for c in cases} == {"online", "mobile", "window", "kiosk", "other"}
    for c in cases[:2000]:
        assert len(c["applicant_id"]) == 18 and c["applicant_phone"][0] == "1" and len(c["applicant_phone"]) == 11
        assert all("\u4e00" <= ch <= "\u9fff" for ch in c["applicant_name"])
        assert c["updated_at"] == (c["completed_at"] or c["accepted_at"])
    head = read_csv(snap / "cases" / "part-000.csv")
    assert min(r["accepted_at"] for r in head if r["accepted_at"]) < "2020-01-01"  # December backfill, outside YTD
    ev = pq.read_table(snap / "evaluations" / "part-000.parquet").to_pylist()
    assert {e["source"] for e in ev} == {"active", "default"}
    assert any(e["case_id"] is None for e in ev) and any((e["case_id"] or "").startswith("ZW") for e in ev)
    bad = [e for e in ev if e["source"] == "active" and e["rating"] <= 2 and e["rectify_due_at"]]
    assert bad and any(e["rectified_at"] and e["rectified_at"] <= e["rectify_due_at"] for e in bad)
    assert any(e["rectified_at"] and e["rectified_at"] > e["rectify_due_at"] for e in bad)
    end = dt.datetime(2020, 12, 25, 23, 59, 59)
    assert max(e["updated_at"] for e in ev) <= end and max(c["updated_at"] for c in cases) <= end


def test_deliberately_bad_rows(sample):
    res, _ = sample
    assert sum(res.bad_rows.values()) == 10
    assert all(res.bad_rows[s] == 0 for s in ("regions", "departments", "population"))
    assert sum(res.bad_rows.values()) / sum(res.rows.values()) <= 0.001
    snap = res.snapshot_dir
    assert any(r["published"] == "待定" for r in read_csv(snap / "service_items" / "local.csv"))
    seal_ids = [s["seal_id"] for s in read_xlsx(snap / "e_seals.xlsx")]
    assert len(seal_ids) - len(set(seal_ids)) == 1
    assert any(e["rating"] == 7 for e in pq.read_table(snap / "evaluations" / "part-000.parquet").to_pylist())
    assert any(t["dept_id"] == "D000000000" for t in read_csv(snap / "tickets.csv"))


# --- determinism and deltas --------------------------------------------------------------


def _all_bytes(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_same_arguments_same_bytes(tmp_path):
    snap = dt.date(2020, 12, 25)
    build_world.cache_clear()
    a = generate_snapshot(tmp_path / "a", snap, seed=7, scale=0.02)
    build_world.cache_clear()
    b = generate_snapshot(tmp_path / "b", snap, seed=7, scale=0.02)
    assert a.rows == b.rows
    assert _all_bytes(a.snapshot_dir) == _all_bytes(b.snapshot_dir)
    c = generate_snapshot(tmp_path / "c", snap, seed=8, scale=0.02)
    assert _all_bytes(c.snapshot_dir)["departments.csv"] != _all_bytes(a.snapshot_dir)["departments.csv"]


def _versions(snap_dir: Path, source: str, key: str) -> set[tuple[str, str]]:
    out = set()
    for f in EXPECTED_FILES[source]:
        for r in read_any(snap_dir / f):
            u = r["updated_at"]
            u = u.strftime("%Y-%m-%d %H:%M:%S") if isinstance(u, dt.datetime) else u.replace("/", "-")
            out.add((r[key], u))
    return out


def test_weekly_deltas_add_up_to_the_backfill(tmp_path):
    kw = dict(seed=20201225, scale=0.05)
    wk1 = generate_snapshot(tmp_path / "weekly", dt.date(2020, 12, 18), **kw)
    wk2 = generate_snapshot(tmp_path / "weekly", dt.date(2020, 12, 25), delta_days=7, **kw)
    full = generate_snapshot(tmp_path / "full", dt.date(2020, 12, 25), **kw)
    assert delivery_window(dt.date(2020, 12, 25), 7) == (
        dt.datetime(2020, 12, 19),
        dt.datetime(2020, 12, 25, 23, 59, 59),
    )
    for source, key in (("cases", "case_id"), ("evaluations", "eval_id")):
        v1, v2, vf = (_versions(r.snapshot_dir, source, key) for r in (wk1, wk2, full))
        bad = {v for v in v1 | v2 | vf if v[0][7:11] in ("9918", "9925")}  # the deliberately bad rows
        v1, v2, vf = v1 - bad, v2 - bad, vf - bad
        assert v2 and len(v2) < len(v1), source  # a week is a subset of the year
        assert all("2020-12-19" <= u <= "2020-12-25 23:59:59" for _, u in v2), source
        assert v1 | v2 == vf and not v1 & v2, source
        if source == "cases":  # a case accepted in week 1 and completed in week 2 comes again
            assert {k for k, _ in v1} & {k for k, _ in v2}
    assert wk2.rows["cases"] < wk1.rows["cases"]

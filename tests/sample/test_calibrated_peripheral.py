"""peripheral.py: tables 7 (sealed departments) and 16/17 (tickets) hold exactly, computed here as
CONTRACT §3/§5 define them (the full pipeline check is test_calibrated_bulletin.py)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from zwfw_sample.calibrated.fractions import prints_as
from zwfw_sample.calibrated.peripheral import build_peripheral, build_tickets
from zwfw_sample.calibrated.printed import total_row, unit_rows
from zwfw_sample.calibrated.roster import build_roster
from zwfw_sample.uscc import is_valid_uscc

SNAP_END = np.datetime64("2020-12-25T23:59:59")


@pytest.fixture(scope="module")
def roster():
    return build_roster()


def test_t07_sealed_departments(roster):
    seals = build_peripheral(roster, dt.date(2020, 12, 25))["e_seals"].to_pylist()
    uscc = {d.dept_id: d.uscc for d in roster.depts}
    sealed = {
        s["dept_id"]
        for s in seals
        if s["status"] == "active" and is_valid_uscc(s["uscc"]) and s["uscc"] == uscc[s["dept_id"]]
    }
    for r in unit_rows("t07"):
        members = [d for d in roster.unit_depts("city_area", roster.region_by_name(r["省辖市"])) if not d.is_tax]
        assert sum(d.dept_id in sealed for d in members) == int(r["已制章部门数量"]), r["省辖市"]


def test_t16_t17_tickets(roster):
    t = build_tickets(roster, dt.datetime(2019, 12, 1), dt.datetime(2020, 12, 25, 23, 59, 59), 7).to_pandas()
    assert t["requester_name"].notna().all() and t["requester_phone"].str.fullmatch(r"1\d{10}").all()
    assert (t["received_at"] < np.datetime64("2020-01-01")).any()  # a few outside the YTD window
    t = t[(t.received_at >= np.datetime64("2020-01-01")) & (t.received_at <= SNAP_END)]
    on = ((t.closed_at <= t.due_at) & (t.closed_at <= SNAP_END)).to_numpy()
    pending = ((t.closed_at.isna() | (t.closed_at > SNAP_END)) & (t.due_at > SNAP_END)).to_numpy()
    for stem, scope in (("t16", "province_dept"), ("t17a", "city_total"), ("t17b", "direct_county")):
        everyone: list[str] = []
        for r in list(unit_rows(stem)) + [total_row(stem)]:
            name = list(r.values())[1]
            if name == "合计":
                ids = everyone
            else:
                code = roster.dept_by_name(name).dept_id if scope == "province_dept" else roster.region_by_name(name)
                ids = [d.dept_id for d in roster.unit_depts(scope, code)]
                everyone += ids
            mine = t.dept_id.isin(ids).to_numpy()
            for kind, received, rate in (
                ("consultation", "咨询总计收到", "咨询按期办结率"),
                ("complaint", "投诉总计收到", "投诉按期办结率"),
            ):
                m = mine & (t.kind == kind).to_numpy()
                assert m.sum() == int(r[received]), (stem, name, kind)
                d = int((m & ~pending).sum())
                text = r[rate]
                assert (d == 0) if text.strip() == "-" else prints_as(int((m & on).sum()), d, text), (
                    stem,
                    name,
                    kind,
                    int((m & on).sum()),
                    d,
                    text,
                )

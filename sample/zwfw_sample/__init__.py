"""Deterministic sample submissions for one snapshot (`zwfw generate`).

    res = generate_snapshot(out_dir, date(2020, 12, 25))          # full backfill of events
    res = generate_snapshot(out_dir, date(2021, 1, 1), delta_days=7)  # one week's delta

writes `out_dir/<YYYY-MM-DD>/…` in the layout and formats of CONTRACT §2. Same arguments, same
bytes. Reference sources are full snapshots of one seeded world; event sources hold the
versions whose `updated_at` falls in the delivery window (see `world`).
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from zwfw_contract.sources import SOURCES
from zwfw_sample import writers as W
from zwfw_sample.uscc import is_valid_uscc, uscc_check_char
from zwfw_sample.world import build_world, events, rng_for

__all__ = ["GenerateResult", "generate_snapshot", "delivery_window", "is_valid_uscc", "uscc_check_char"]

# Ticket timestamp spellings and their shares.
OnFile = Callable[[str, Path, int], None]  # (source, path, rows) of a file just written

_TICKET_STYLES = ["iso", "slash_minutes", "chinese", "fullwidth", "padded"]
_TICKET_STYLE_P = [0.70, 0.12, 0.08, 0.05, 0.05]


@dataclass
class GenerateResult:
    snapshot_dir: Path
    rows: dict[str, int]  # rows written per source, bad rows included
    bad_rows: dict[str, int]  # deliberately invalid rows per source
    files: list[Path] = field(default_factory=list)
    window: tuple[dt.datetime, dt.datetime] | None = None  # event versions' updated_at range


def delivery_window(snapshot_date: dt.date, delta_days: int | None) -> tuple[dt.datetime, dt.datetime]:
    """Inclusive updated_at range of the event versions a delivery carries."""
    end = dt.datetime.combine(snapshot_date, dt.time(23, 59, 59))
    if delta_days is None:
        start = dt.datetime(snapshot_date.year - 1, 12, 1)
    else:
        if delta_days < 1:
            raise ValueError("delta_days must be ≥ 1")
        start = dt.datetime.combine(snapshot_date - dt.timedelta(days=delta_days - 1), dt.time(0, 0))
    return start, end


def _clear(snapshot_dir: Path) -> None:
    """Remove earlier output of the sources, so a re-run leaves no stale files."""
    for s in SOURCES:
        for ext in ("csv", "xlsx", "parquet"):
            (snapshot_dir / f"{s.name}.{ext}").unlink(missing_ok=True)
        if (snapshot_dir / s.name).is_dir():
            shutil.rmtree(snapshot_dir / s.name)


def generate_snapshot(
    out_dir: Path,
    snapshot_date: dt.date,
    seed: int = 20201225,
    scale: float = 1.0,
    delta_days: int | None = None,
    on_file: OnFile | None = None,
) -> GenerateResult:
    """The random sample world (`zwfw generate --world sample`): plausible, not calibrated."""
    if scale < 0:
        raise ValueError("scale must be ≥ 0")
    start, end = delivery_window(snapshot_date, delta_days)
    world = build_world(seed)
    ev = events(world, scale, start, end)
    county_dept = next(d for d in world.depts if d.level == "county" and d.kind == "nr")
    n = ev["cases"].num_rows
    return write_delivery(
        Path(out_dir),
        snapshot_date,
        delta_days,
        seed,
        world.tables,
        [("cases", ev["cases"]), ("evaluations", ev["evaluations"])],
        ev["tickets"],
        county_dept_id=county_dept.dept_id,
        county_uscc=county_dept.uscc,
        county_region=county_dept.region,
        csv_part_rows=max(n // 3, 1),
        parquet_part_rows=max(n - 2 * (n // 3), 1),
        eval_part_rows=max(ev["evaluations"].num_rows, 1),
        on_file=on_file,
    )


def write_delivery(
    out_dir: Path,
    snapshot_date: dt.date,
    delta_days: int | None,
    seed: int,
    ref: dict[str, pa.Table],
    event_batches: Iterable[tuple[str, pa.Table]],
    tickets: pa.Table,
    *,
    county_dept_id: str,
    county_uscc: str,
    county_region: str,
    csv_part_rows: int = 200_000,
    parquet_part_rows: int = 2_000_000,
    eval_part_rows: int = 2_000_000,
    on_file: OnFile | None = None,
) -> GenerateResult:
    """Write one delivery in CONTRACT §2's layout and formats, with the deliberately bad rows.

    Shared by both worlds so that the formats (encodings, XLSX cells, spellings) and the bad rows
    that exercise the rejects are the same. Cases and evaluations arrive as a stream of batches
    and are written in parts (two CSV parts, then Parquet) without holding them all in memory.
    `on_file(source, path, rows)` is told of each file once it is written (the CLI's progress).
    """
    start, end = delivery_window(snapshot_date, delta_days)
    snap_dir = Path(out_dir) / snapshot_date.isoformat()
    snap_dir.mkdir(parents=True, exist_ok=True)
    _clear(snap_dir)
    rng = rng_for(seed, 500, snapshot_date.toordinal(), delta_days or 0)
    created = dt.datetime.combine(snapshot_date, dt.time(18, 0))
    end_ts = pa.scalar(end, type=pa.timestamp("s"))
    noon = dt.datetime.combine(snapshot_date, dt.time(12, 0))
    tag = f"99{snapshot_date.day:02d}"  # ids of the bad event rows: unique per delivery

    rows: dict[str, int] = {}
    bad: dict[str, int] = {s.name: 0 for s in SOURCES}
    files: list[Path] = []

    def put(source: str, table: pa.Table, path: Path, writer, n_bad: int = 0, **kw) -> None:
        writer(table, path, **kw)
        rows[source] = rows.get(source, 0) + table.num_rows
        bad[source] += n_bad
        files.append(path)
        if on_file is not None:
            on_file(source, path, table.num_rows)

    t = ref

    # regions: UTF-8; population: UTF-8 with BOM; departments: GB18030 as Excel on Chinese Windows
    put("regions", W.as_text(t["regions"]), snap_dir / "regions.csv", W.write_csv)
    put("population", W.as_text(t["population"]), snap_dir / "population.csv", W.write_csv, bom=True)
    put(
        "departments",
        W.as_text(t["departments"], bools="是"),
        snap_dir / "departments.csv",
        W.write_csv,
        encoding="gb18030",
    )

    # e_seals: XLSX with datetime cells; seals made after the snapshot do not exist yet
    seals = t["e_seals"].filter(pc.less_equal(t["e_seals"]["created_at"], end_ts))
    dup = seals.slice(seals.num_rows // 2, 1).to_pylist()[0]
    dup.update(dept_id=county_dept_id, uscc=county_uscc)  # duplicate seal_id
    seals = W.with_rows(seals, [dup], seals.num_rows - 3)
    put("e_seals", seals, snap_dir / "e_seals.xlsx", W.write_xlsx, n_bad=1, created=created)

    # service_items: the provincial library as XLSX, the local ones as CSV (Y/N)
    items = t["service_items"]
    prov = pc.starts_with(items["dept_id"], "D410000")
    put(
        "service_items", items.filter(prov), snap_dir / "service_items" / "province.xlsx", W.write_xlsx, created=created
    )
    local = W.as_text(items.filter(pc.invert(prov)), bools="Y")
    base = f"{county_region}XK{county_dept_id[-3:]}"
    bad_items = [
        {
            "item_code": base + "9001",
            "item_name": "建设用地规划许可（补办）",
            "dept_id": county_dept_id,
            "item_type": "行政许可",
            "published": "待定",
            "handling_type": "承诺件",
            "zero_visit": "Y",
            "legal_limit_days": "20",
            "promised_limit_days": "10",
            "result_spec": "准予行政许可决定书",
            "unified_acceptance": "N",
        },  # bad boolean
        {
            "item_code": base + "9002",
            "item_name": "建设工程规划许可（临时建设）",
            "dept_id": county_dept_id,
            "item_type": "行政许可",
            "published": "Y",
            "handling_type": "承诺件",
            "zero_visit": "N",
            "legal_limit_days": "10",
            "promised_limit_days": "20",
            "result_spec": "准予行政许可决定书",
            "unified_acceptance": "Y",
        },  # promised > legal
    ]
    local = W.with_rows(local, bad_items, local.num_rows // 3)
    put("service_items", local, snap_dir / "service_items" / "local.csv", W.write_csv, n_bad=2)

    put("item_steps", t["item_steps"], snap_dir / "item_steps.parquet", W.write_parquet)

    # licence list and counts
    put("license_types", W.as_text(t["license_types"]), snap_dir / "license_types.csv", W.write_csv)
    stats = W.as_text(t["license_stats"])
    stats = W.with_rows(
        stats,
        [
            {
                "type_code": "DZZZ41C01",
                "issuer_dept_id": county_dept_id,
                "issued_count": "12",
                "sealed_count": "5",
                "conformant_count": "8",
            }
        ],
        stats.num_rows - 2,
    )  # conformant > sealed
    put("license_stats", stats, snap_dir / "license_stats.csv", W.write_csv, n_bad=1)

    # auth_systems: XLSX, 是否开展对接 spelled 是/否 as in the bulletin, integrated as boolean cells
    auth = t["auth_systems"]
    i = auth.schema.get_field_index("integration_started")
    auth = auth.set_column(i, "integration_started", pc.if_else(auth["integration_started"], "是", "否"))
    put("auth_systems", auth, snap_dir / "auth_systems.xlsx", W.write_xlsx, created=created)

    branch = t["branch_hall_items"].filter(pc.less_equal(t["branch_hall_items"]["online_at"], end_ts))
    put("branch_hall_items", W.as_text(branch, bools="是"), snap_dir / "branch_hall_items.csv", W.write_csv)

    # --- events: cases and evaluations in parts, as they stream in ---
    first_item, first_dept = items["item_code"][0].as_py(), items["dept_id"][0].as_py()
    case_bad = [
        {
            "case_id": f"C{snapshot_date:%Y%m}{tag}1",
            "item_code": first_item,
            "dept_id": first_dept,
            "channel": "wechat",
            "accepted_at": f"{noon:%Y-%m-%d %H:%M:%S}",
            "completed_at": "",
            "qc_passed": "TRUE",
            "applicant_id": "410102198001010011",
            "applicant_name": "张三",
            "applicant_phone": "13800000000",
            "updated_at": f"{noon:%Y-%m-%d %H:%M:%S}",
        },  # unknown enum value
        {
            "case_id": f"C{snapshot_date:%Y%m}{tag}2",
            "item_code": items["item_code"][1].as_py(),
            "dept_id": items["dept_id"][1].as_py(),
            "channel": "window",
            "accepted_at": "",
            "completed_at": "",
            "qc_passed": "是",
            "applicant_id": "410102198001010027",
            "applicant_name": "李四",
            "applicant_phone": "13900000000",
            "updated_at": f"{noon:%Y/%m/%d %H:%M:%S}",
        },  # missing required value
    ]
    eval_bad_rows = lambda some: [  # noqa: E731
        {
            **some,
            "eval_id": f"E{snapshot_date:%Y%m}{tag}1",
            "case_id": None,
            "source": "active",
            "rating": 7,
            "evaluated_at": noon,
            "rectify_due_at": None,
            "rectified_at": None,
            "updated_at": noon,
        },  # rating 7
        {
            **some,
            "eval_id": f"E{snapshot_date:%Y%m}{tag}2",
            "case_id": None,
            "source": "active",
            "rating": 1,
            "evaluated_at": noon,
            "rectify_due_at": None,
            "rectified_at": None,
            "comment": "办理太慢",
            "updated_at": noon,
        },  # 差评 without rectify_due_at
    ]

    def write_case_part(k: int, part: pa.Table) -> None:
        if k == 0:
            txt = W.with_rows(W.as_text(part, bools="TRUE"), case_bad[:1], part.num_rows // 2)
            put("cases", txt, snap_dir / "cases" / "part-000.csv", W.write_csv, n_bad=1)
        elif k == 1:
            txt = W.with_rows(W.as_text(part, bools="是", ts_style="slash"), case_bad[1:], part.num_rows // 2)
            put("cases", txt, snap_dir / "cases" / "part-001.csv", W.write_csv, n_bad=1)
        else:
            put("cases", part, snap_dir / "cases" / f"part-{k:03d}.parquet", W.write_parquet)

    def write_eval_part(k: int, part: pa.Table) -> None:
        n_bad = 0
        if k == 0:
            some = (
                part.slice(0, 1).to_pylist()[0] if part.num_rows else {"item_code": first_item, "dept_id": first_dept}
            )
            part = W.with_rows(part, eval_bad_rows(some), part.num_rows // 2)
            n_bad = 2
        put("evaluations", part, snap_dir / "evaluations" / f"part-{k:03d}.parquet", W.write_parquet, n_bad=n_bad)

    case_parts = _Parts(lambda k: csv_part_rows if k < 2 else parquet_part_rows, write_case_part)
    eval_parts = _Parts(lambda k: eval_part_rows, write_eval_part)
    for kind, batch in event_batches:
        (case_parts if kind == "cases" else eval_parts).add(batch)
    case_parts.close(at_least=2)  # the two CSV parts carry the bad case rows: always written
    eval_parts.close(at_least=1)

    k = tickets.num_rows
    style = rng.choice(len(_TICKET_STYLES), k, p=_TICKET_STYLE_P)
    tickets = W.as_text(
        W.mixed_ts(tickets, ["received_at", "due_at", "closed_at", "updated_at"], style, _TICKET_STYLES)
    )
    if k:
        # some phones typed with full-width digits, always the first row's, so that a reader
        # sniffing the first rows sees text, not numbers
        fw = rng.random(k) < 0.04
        fw[0] = True
        phone = tickets["requester_phone"].combine_chunks()
        j = tickets.schema.get_field_index("requester_phone")
        tickets = tickets.set_column(j, "requester_phone", pc.if_else(pa.array(fw), W.fullwidth_digits(phone), phone))
    ticket_bad = [
        {
            "ticket_id": f"T{snapshot_date:%Y%m}{tag}1",
            "kind": "complaint",
            "dept_id": county_dept_id,
            "received_at": f"{snapshot_date.year}-02-30 10:15",
            "due_at": f"{noon:%Y-%m-%d %H:%M}",
            "closed_at": "",
            "requester_name": "王五",
            "requester_phone": "13700000000",
            "updated_at": f"{noon:%Y-%m-%d %H:%M}",
        },  # bad date
        {
            "ticket_id": f"T{snapshot_date:%Y%m}{tag}2",
            "kind": "consultation",
            "dept_id": "D000000000",
            "received_at": f"{noon:%Y-%m-%d %H:%M}",
            "due_at": f"{noon + dt.timedelta(days=5):%Y-%m-%d %H:%M}",
            "closed_at": "",
            "requester_name": "赵六",
            "requester_phone": "13600000000",
            "updated_at": f"{noon:%Y-%m-%d %H:%M}",
        },  # unknown department
    ]
    tickets = W.with_rows(tickets, ticket_bad, max(k // 2, 1))
    put("tickets", tickets, snap_dir / "tickets.csv", W.write_csv, n_bad=2)

    rows = {s.name: rows.get(s.name, 0) for s in SOURCES}
    return GenerateResult(snapshot_dir=snap_dir, rows=rows, bad_rows=bad, files=files, window=(start, end))


class _Parts:
    """Re-chunk a stream of batches into parts of a given size and write each as it fills."""

    def __init__(self, size_of, write) -> None:
        self.size_of, self.write = size_of, write
        self.buf: list[pa.Table] = []
        self.n = 0
        self.k = 0
        self.schema: pa.Schema | None = None

    def add(self, batch: pa.Table) -> None:
        self.schema = self.schema or batch.schema
        while batch.num_rows:
            room = self.size_of(self.k) - self.n
            take = batch.slice(0, room)
            self.buf.append(take)
            self.n += take.num_rows
            batch = batch.slice(take.num_rows)
            if self.n >= self.size_of(self.k):
                self._flush()

    def _flush(self) -> None:
        self.write(self.k, pa.concat_tables(self.buf).combine_chunks())
        self.buf, self.n = [], 0
        self.k += 1

    def close(self, at_least: int = 0) -> None:
        if self.n:
            self._flush()
        while self.k < at_least and self.schema is not None:  # empty parts still carry the bad rows
            self.write(self.k, self.schema.empty_table())
            self.k += 1

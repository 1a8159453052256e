"""Checks as DataFrames of violations: empty frame = check passes.

Every check reads DuckDB read-only into pandas. A violation frame always has a text column
`violation` naming the table, unit and figures, so a failure message is readable on its own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from dagster_project import glossary, published

ERROR = "ERROR"
WARN = "WARN"

EVENT_KEYS = {"cases": "case_id", "evaluations": "eval_id", "tickets": "ticket_id"}
TOL = 1e-12


@dataclass
class Check:
    name: str
    group: str  # metrics | cross_table | raw | volume
    severity: str
    violations: pd.DataFrame
    description: str
    table_no: int | None = None
    note: str = ""  # e.g. "skipped: t08 not in snapshot"

    @property
    def skipped(self) -> bool:
        return self.note.startswith("skipped")


@dataclass
class CheckContext:
    con: duckdb.DuckDBPyConnection
    snapshot: dt.date
    volume_drop: float = 0.5
    metrics: pd.DataFrame = field(default_factory=pd.DataFrame)
    # The build's scratch database has dbt's staging views; a published warehouse does not (it
    # holds the marts and the lake's raw views only), so the checks that re-derive from staging
    # run inside the build and say "skipped" on a published file.
    staging: bool = True


NO_STAGING = "skipped: needs the build's staging models (this ran in the build, before publication)"


def _df(rows: pd.DataFrame, fmt) -> pd.DataFrame:
    rows = rows.reset_index(drop=True).copy()
    rows["violation"] = [fmt(r) for r in rows.itertuples(index=False)] if len(rows) else pd.Series([], dtype=object)
    return rows


def _num(x) -> str:
    if x is None or (isinstance(x, float) and pd.isna(x)):
        return "null"
    return f"{x:.15g}" if isinstance(x, float) else str(x)


# ---------------------------------------------------------------- metrics (per table) ----


def _kind(m: pd.DataFrame) -> pd.Series:
    """Per row, what the checks compare: `ratio` (the glossary's ratio kinds, where the row has its
    parts), `count` (a count with a value), else `other` (texts, '-'). The kind is the glossary's
    (value_kind), never guessed from the table."""
    kinds = m["metric_code"].map({metric.code: metric.value_kind for metric in glossary.metrics()})
    ratio = kinds.isin(glossary.RATIO_KINDS) & (m["numerator"].notna() | m["denominator"].notna())
    count = (kinds == "count") & m["value"].notna()
    return pd.Series(["ratio" if r else ("count" if c else "other") for r, c in zip(ratio, count)], index=m.index)


def metric_checks(ctx: CheckContext) -> list[Check]:
    """Per table, over the long form: each ratio equals its parts; counts and parts are whole.

    合计 = Σ units and shares ≤ 1 are not here: fct_metrics guarantees them itself, so its dbt
    tests hold them (`totals_add_up`, `fct_metrics_shares_within_bounds`) and a build that breaks
    one never publishes. The suites reconcile what no single model can: across tables, with the
    files (expectations/README.md)."""
    m = ctx.metrics.copy()
    m["kind"] = _kind(m)
    out: list[Check] = []
    for table_no in sorted(m.table_no.unique()):
        tm = m[m.table_no == table_no]
        # value = numerator / denominator, null when denominator 0
        r_ = tm[tm.kind == "ratio"].copy()
        den0 = r_.denominator.fillna(0) == 0
        expected = r_.numerator / r_.denominator.where(~den0)
        bad = (den0 & r_.value.notna()) | (~den0 & ((r_.value - expected).abs() > TOL) | (~den0 & r_.value.isna()))
        b = r_[bad].assign(expected=expected[bad])
        v = _df(
            b[
                [
                    "table_no",
                    "metric_code",
                    "scope",
                    "unit_code",
                    "unit_name",
                    "numerator",
                    "denominator",
                    "value",
                    "expected",
                ]
            ],
            lambda r: (
                f"table {r.table_no} {r.metric_code} [{r.scope}] {r.unit_code} {r.unit_name}: value {_num(r.value)} "
                f"≠ {_num(r.numerator)}/{_num(r.denominator)} = "
                f"{_num(r.expected) if r.denominator else 'null (denominator 0)'}"
            ),
        )
        out.append(
            Check(
                f"t{table_no:02d}_ratio_equals_parts",
                "metrics",
                ERROR,
                v,
                "value = numerator/denominator (±1e-12), null when denominator is 0",
                int(table_no),
            )
        )

        # counts, numerators and denominators whole and non-negative
        rows = []
        for r in tm.itertuples(index=False):
            figs = (
                [("value", r.value)]
                if r.kind == "count"
                else [("numerator", r.numerator), ("denominator", r.denominator)]
                if r.kind == "ratio"
                else []
            )
            for what, x in figs:
                if pd.notna(x) and (x < 0 or x != int(x)):
                    rows.append(
                        dict(
                            table_no=r.table_no,
                            metric_code=r.metric_code,
                            scope=r.scope,
                            unit_code=r.unit_code,
                            unit_name=r.unit_name,
                            figure=what,
                            got=x,
                            rule="whole and ≥ 0",
                        )
                    )
        v = _df(
            pd.DataFrame(
                rows, columns=["table_no", "metric_code", "scope", "unit_code", "unit_name", "figure", "got", "rule"]
            ),
            lambda r: (
                f"table {r.table_no} {r.metric_code} [{r.scope}] {r.unit_code} {r.unit_name}: "
                f"{r.figure} {_num(r.got)} not {r.rule}"
            ),
        )
        out.append(
            Check(
                f"t{table_no:02d}_value_ranges",
                "metrics",
                ERROR,
                v,
                "counts, numerators and denominators whole and non-negative",
                int(table_no),
            )
        )
    return out


def _close(a, b) -> bool:
    if pd.isna(a) and pd.isna(b):
        return True
    if pd.isna(a) or pd.isna(b):
        return False
    return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(a)), abs(float(b)))


# ---------------------------------------------------------------- across tables ----


def _metric(m: pd.DataFrame, code: str, scope: str | None = None) -> pd.DataFrame:
    x = m[m.metric_code == code]
    return x[x.scope == scope] if scope else x


def cross_table_checks(ctx: CheckContext) -> list[Check]:
    m, con, snap = ctx.metrics, ctx.con, ctx.snapshot
    codes = set(m.metric_code)
    out: list[Check] = []
    cols = ["check", "unit_code", "unit_name", "left", "right", "detail"]

    def add(name, desc, needed, build, table_no=None, staging=False):
        missing = [c for c in needed if c not in codes]
        if staging and not ctx.staging:
            out.append(
                Check(name, "cross_table", ERROR, _df(pd.DataFrame(columns=cols), str), desc, table_no, note=NO_STAGING)
            )
            return
        if missing:
            out.append(
                Check(
                    name,
                    "cross_table",
                    ERROR,
                    _df(pd.DataFrame(columns=cols), str),
                    desc,
                    table_no,
                    note=f"skipped: {', '.join(missing)} not in snapshot {snap}",
                )
            )
            return
        rows = build()
        out.append(
            Check(
                name,
                "cross_table",
                ERROR,
                _df(pd.DataFrame(rows, columns=cols), lambda r: f"{r.check} {r.unit_code} {r.unit_name}: {r.detail}"),
                desc,
                table_no,
            )
        )

    def t08_t09_t11():
        a = _metric(m, "t08_items", "city_level").set_index("unit_code")
        b = _metric(m, "t09_items", "city_counties").set_index("unit_code")
        c = _metric(m, "t11_item_incidence", "city_total").set_index("unit_code")
        rows = []
        for u, r in c.iterrows():
            if u == "TOTAL":
                continue
            left = (a.value.get(u, 0) or 0) + (b.value.get(u, 0) if u in b.index else 0)
            if not _close(left, r.denominator):
                rows.append(
                    (
                        "t08+t09 vs t11",
                        u,
                        r.unit_name,
                        left,
                        r.denominator,
                        f"t08 items {_num(a.value.get(u))} + t09 items {_num(b.value.get(u))} = {_num(left)} "
                        f"≠ t11_item_incidence denominator {_num(r.denominator)}",
                    )
                )
        return rows

    add(
        "x_t08_t09_items_vs_t11",
        "t08 (city_level) + t09 (city_counties) items = t11 city_total items",
        ["t08_items", "t09_items", "t11_item_incidence"],
        t08_t09_t11,
        11,
    )

    def t10_t14():
        a = _metric(m, "t10_items", "province_dept").set_index("unit_code")
        b = _metric(m, "t14_item_coverage", "province_dept").set_index("unit_code")
        rows = []
        for u in sorted(set(a.index) | set(b.index)):
            left, right = a.value.get(u), b.denominator.get(u)
            if not _close(left, right):
                name = a.unit_name.get(u, b.unit_name.get(u, ""))
                rows.append(
                    (
                        "t10 vs t14",
                        u,
                        name,
                        left,
                        right,
                        f"t10 items {_num(left)} ≠ t14_item_coverage denominator {_num(right)}",
                    )
                )
        return rows

    add(
        "x_t10_items_vs_t14",
        "t10 items = t14_item_coverage denominators",
        ["t10_items", "t14_item_coverage"],
        t10_t14,
        14,
    )

    # Departments on some roster of tables 10/11 and 14/15: provincial departments with a
    # published item (CONTRACT §5 rosters) and every city or county department (each is in a
    # city_total or a direct_county unit). Re-derived from staging, not from the marts' own scopes.
    rostered = """
        select d.dept_id from staging.stg_departments d
        where d.region_code not in (select region_code from staging.stg_regions where level = 'province')
           or d.dept_id in (select dept_id from staging.stg_service_items where published)"""
    ytd = ("make_timestamp(year(?::date),1,1,0,0,0)", "?::date + interval 1 day")

    def _totals(code: str, scopes: list[str]) -> float:
        x = _metric(m, code)
        return float(
            x[(x.unit_code == "TOTAL") & x.scope.isin(scopes)].value.sum()
            if code.endswith("active_evals")
            else x[(x.unit_code == "TOTAL") & x.scope.isin(scopes)].denominator.sum()
        )

    def cases_ytd():
        used = _totals("t10_online_acceptance", ["province_dept"]) + _totals(
            "t11_online_acceptance", ["city_total", "direct_county"]
        )
        loaded = con.execute(
            f"select count(*) from staging.stg_cases where dept_id in ({rostered}) "
            f"and accepted_at >= {ytd[0]} and accepted_at < {ytd[1]}",
            [snap, snap],
        ).fetchone()[0]
        if not _close(used, loaded):
            return [
                (
                    "YTD cases",
                    "TOTAL",
                    "合计",
                    used,
                    loaded,
                    f"YTD cases behind t10 + t11 合计 = {_num(used)} ≠ YTD cases loaded of their departments "
                    f"in staging.stg_cases = {loaded}",
                )
            ]
        return []

    add(
        "x_ytd_cases_eq_loaded",
        "YTD cases behind t10 + t11 = YTD cases loaded of their departments",
        ["t10_online_acceptance", "t11_online_acceptance"],
        cases_ytd,
        10,
        staging=True,
    )

    def active_evals_ytd():
        used = _totals("t14_active_evals", ["province_dept"]) + _totals(
            "t15_active_evals", ["city_total", "direct_county"]
        )
        loaded = con.execute(
            f"select count(*) from staging.stg_evaluations where source = 'active' and dept_id in ({rostered}) "
            f"and evaluated_at >= {ytd[0]} and evaluated_at < {ytd[1]}",
            [snap, snap],
        ).fetchone()[0]
        if not _close(used, loaded):
            return [
                (
                    "YTD active evaluations",
                    "TOTAL",
                    "合计",
                    used,
                    loaded,
                    f"t14 + t15 active evaluations 合计 = {_num(used)} ≠ YTD active evaluations loaded of their "
                    f"departments in staging.stg_evaluations = {loaded}",
                )
            ]
        return []

    add(
        "x_active_evals_eq_loaded",
        "t14 + t15 active evaluations = YTD active evaluations loaded of their departments",
        ["t14_active_evals", "t15_active_evals"],
        active_evals_ytd,
        14,
        staging=True,
    )

    def t07_registry():
        tot = _metric(m, "t07_departments", "city_area")
        used = tot[tot.unit_code == "TOTAL"].value.sum()
        reg = con.execute(
            "select count(*) from raw.departments where snapshot_date = ? and not coalesce(is_tax, false)", [snap]
        ).fetchone()[0]
        if used > reg:
            return [
                (
                    "t07 vs registry",
                    "TOTAL",
                    "合计",
                    used,
                    reg,
                    f"t07 departments {_num(used)} > non-tax departments in raw.departments {reg}",
                )
            ]
        return []

    add(
        "x_t07_departments_le_registry",
        "t07 departments ≤ non-tax department registry",
        ["t07_departments"],
        t07_registry,
        7,
    )
    return out


# ---------------------------------------------------------------- raw → warehouse ----


def raw_checks(ctx: CheckContext) -> list[Check]:
    con, snap = ctx.con, ctx.snapshot
    lf = con.execute(
        "select source, file, rows_read, rows_loaded, rows_rejected from raw.load_files where snapshot_date = ?", [snap]
    ).df()
    rej = con.execute("select file, count(*) n from raw.rejects where snapshot_date = ? group by file", [snap]).df()
    tables = set(
        r[0]
        for r in con.execute("select table_name from information_schema.tables where table_schema='raw'").fetchall()
    )
    loaded = []
    for source in sorted(set(lf.source)):
        if source in tables:
            loaded.append(
                con.execute(
                    f'select ? as source, _file as file, count(*) as n from raw."{source}" '
                    f"where snapshot_date = ? group by _file",
                    [source, snap],
                ).df()
            )
    ld = pd.concat(loaded) if loaded else pd.DataFrame(columns=["source", "file", "n"])
    j = lf.merge(ld, on=["source", "file"], how="left").merge(rej.rename(columns={"n": "n_rej"}), on="file", how="left")
    j["n"] = j["n"].fillna(0).astype(int)
    j["n_rej"] = j["n_rej"].fillna(0).astype(int)
    cols = ["source", "file", "rows_read", "rows_loaded", "rows_rejected", "in_raw_table", "in_rejects"]
    j = j.rename(columns={"n": "in_raw_table", "n_rej": "in_rejects"})[cols]
    out = []
    b = j[j.rows_read != j.rows_loaded + j.rows_rejected]
    out.append(
        Check(
            "raw_read_eq_loaded_plus_rejected",
            "raw",
            ERROR,
            _df(
                b,
                lambda r: (
                    f"{r.source} file {r.file}: read {r.rows_read} ≠ loaded {r.rows_loaded} "
                    f"+ rejected {r.rows_rejected} = {r.rows_loaded + r.rows_rejected}"
                ),
            ),
            "raw.load_files: rows_read = rows_loaded + rows_rejected",
        )
    )
    b = j[j.rows_loaded != j.in_raw_table]
    out.append(
        Check(
            "raw_loaded_eq_rows_in_table",
            "raw",
            ERROR,
            _df(
                b,
                lambda r: (
                    f"{r.source} file {r.file}: load_files says loaded {r.rows_loaded} "
                    f"but raw.{r.source} holds {r.in_raw_table} rows "
                    f"(lost {r.rows_loaded - r.in_raw_table})"
                ),
            ),
            "rows_loaded = rows in raw.<source> for the file and snapshot",
        )
    )
    b = j[j.rows_rejected != j.in_rejects]
    out.append(
        Check(
            "raw_rejected_eq_rows_in_rejects",
            "raw",
            ERROR,
            _df(
                b,
                lambda r: (
                    f"{r.source} file {r.file}: load_files says rejected {r.rows_rejected} "
                    f"but raw.rejects holds {r.in_rejects}"
                ),
            ),
            "rows_rejected = rows in raw.rejects for the file",
        )
    )
    if not ctx.staging:
        out.append(
            Check(
                "raw_merged_events_eq_distinct_ids",
                "raw",
                ERROR,
                _df(pd.DataFrame(columns=["source", "merged_rows", "distinct_ids"]), str),
                "merged event rows = distinct ids delivered so far (cases, evaluations, tickets)",
                note=NO_STAGING,
            )
        )
        return out
    merged = []
    for source, key in EVENT_KEYS.items():
        if source not in tables:
            continue
        n_stg, n_ids = con.execute(
            f'select (select count(*) from staging."stg_{source}"), '
            f'(select count(distinct {key}) from raw."{source}" where snapshot_date <= ?)',
            [snap],
        ).fetchone()
        if n_stg != n_ids:
            merged.append({"source": source, "merged_rows": n_stg, "distinct_ids": n_ids})
    b = pd.DataFrame(merged, columns=["source", "merged_rows", "distinct_ids"])
    out.append(
        Check(
            "raw_merged_events_eq_distinct_ids",
            "raw",
            ERROR,
            _df(
                b,
                lambda r: (
                    f"{r.source}: staging.stg_{r.source} holds {r.merged_rows} rows "
                    f"but {r.distinct_ids} distinct ids were "
                    f"delivered up to {snap}"
                ),
            ),
            "merged event rows = distinct ids delivered so far (cases, evaluations, tickets)",
        )
    )
    return out


# ---------------------------------------------------------------- volume & freshness ----


def volume_checks(ctx: CheckContext) -> list[Check]:
    from zwfw_contract.sources import SOURCES

    con, snap = ctx.con, ctx.snapshot
    delivered = set(
        r[0]
        for r in con.execute("select distinct source from raw.load_files where snapshot_date = ?", [snap]).fetchall()
    )
    missing = [s.name for s in SOURCES if s.kind == "reference" and s.name not in delivered]
    v = _df(
        pd.DataFrame({"source": missing, "snapshot_date": [snap] * len(missing)}),
        lambda r: f"reference source {r.source} not delivered for snapshot {r.snapshot_date} (no raw.load_files rows)",
    )
    out = [
        Check("reference_sources_delivered", "volume", ERROR, v, "every reference source delivered for the snapshot")
    ]

    per = con.execute(
        """
        with s as (select snapshot_date, source, sum(rows_loaded) n from raw.load_files group by all),
        prev as (select max(snapshot_date) d from raw.load_files where snapshot_date < ?)
        select c.source, p.snapshot_date prev_snapshot, p.n prev_loaded, coalesce(c.n, 0) loaded
        from (select * from s where snapshot_date = (select d from prev)) p
        left join (select * from s where snapshot_date = ?) c using (source)""",
        [snap, snap],
    ).df()
    per = per[per.source.notna()]
    drop = ctx.volume_drop
    b = per[per.loaded < per.prev_loaded * (1 - drop)]
    out.append(
        Check(
            "volume_no_big_drop",
            "volume",
            WARN,
            _df(
                b,
                lambda r: (
                    f"{r.source}: loaded {r.loaded} rows vs {r.prev_loaded} on {r.prev_snapshot} "
                    f"(−{(1 - r.loaded / r.prev_loaded) * 100:.1f}% > {drop * 100:.0f}% allowed)"
                ),
            ),
            f"no source's loaded rows fall by more than {drop:.0%} against the previous snapshot",
            note="" if len(per) else "no previous snapshot in raw.load_files",
        )
    )
    return out


# ---------------------------------------------------------------- entry ----


def collect(
    warehouse: Path,
    snapshot: dt.date | None = None,
    volume_drop: float = 0.5,
    groups: tuple[str, ...] = ("metrics", "cross_table", "raw", "volume"),
) -> tuple[dt.date, list[Check]]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        snap = snapshot or published.latest(con)
        metrics = con.execute("select * from marts.fct_metrics where snapshot_date = ?", [snap]).df()
        staging = (
            con.execute("select count(*) from information_schema.tables where table_schema = 'staging'").fetchall()[0][
                0
            ]
            > 0
        )
        ctx = CheckContext(con, snap, volume_drop, metrics, staging=staging)
        checks: list[Check] = []
        for g, fn in (
            ("metrics", metric_checks),
            ("cross_table", cross_table_checks),
            ("raw", raw_checks),
            ("volume", volume_checks),
        ):
            if g in groups:
                checks += fn(ctx)
        return snap, checks
    finally:
        con.close()

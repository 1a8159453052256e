"""`zwfw`: the command line of the pipeline. Sub-commands keep their names and flags stable."""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import sys
import time
from pathlib import Path


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO date YYYY-MM-DD: {text!r}") from None


def _settings(warehouse: Path):
    """The settings of a command on a published `warehouse` (its lake and reports beside it, unless
    the environment moves them)."""
    from dagster_project import config

    return config.Settings.from_environ(warehouse=warehouse)


def _no_warehouse(warehouse: Path) -> str:
    return f"{warehouse}: no such file (expected a warehouse built by zwfw run)"


def _cmd_generate(args: argparse.Namespace) -> int:
    from dagster_project.progress import FileProgress

    started = time.monotonic()
    out = Path(args.out).absolute()
    with FileProgress(sys.stdout, out / args.snapshot.isoformat()) as progress:
        if args.world == "calibrated":
            from zwfw_sample.calibrated import DEFAULT_SCALE, generate_calibrated

            scale = DEFAULT_SCALE if args.scale is None else args.scale
            res = generate_calibrated(
                out, args.snapshot, scale=scale, seed=args.seed, delta_days=args.delta_days, on_file=progress
            )
        else:
            from zwfw_sample import generate_snapshot

            scale = 1.0 if args.scale is None else args.scale
            res = generate_snapshot(
                out, args.snapshot, seed=args.seed, scale=scale, delta_days=args.delta_days, on_file=progress
            )
    total = sum(res.rows.values())
    bad = sum(res.bad_rows.values())
    print(
        f"generated {res.snapshot_dir} ({args.world} world, scale {scale:g}): {total} rows in {len(res.rows)} sources "
        f"({bad} deliberately bad) in {time.monotonic() - started:.1f}s"
    )
    for source, n in sorted(res.rows.items()):
        print(f"  {source:<20}{n:>12}")
    return 0


def _fail(command: str, problems: list[str]) -> int:
    """Input problems: one line each on stderr, exit 2, before anything has started."""
    for problem in problems:
        print(f"zwfw {command}: {problem}", file=sys.stderr)
    return 2


def _cmd_run(args: argparse.Namespace) -> int:
    from dagster_project.ingest.preflight import delivery_problems

    problems = delivery_problems(Path(args.raw_dir), args.snapshot)
    warehouse = Path(args.warehouse).absolute()
    if warehouse.is_dir():
        problems.append(
            f"{warehouse}: is a folder (expected the DuckDB file to publish, e.g. {warehouse / 'zwfw.duckdb'})"
        )
    if problems:
        return _fail("run", problems)

    from dagster_project import config, engine

    try:  # the settings of this run, built once here and passed down
        settings = config.Settings.from_environ(warehouse=warehouse, raw_dir=Path(args.raw_dir), engine=args.engine)
    except (config.EngineError, config.SettingsError) as exc:
        return _fail("run", [str(exc)])
    problems = engine.problems(settings)
    if problems:
        return _fail("run", problems)
    from dagster_project.run import run_snapshot

    try:
        key = config.pii_key()
    except config.SecretError as exc:
        return _fail("run", [str(exc)])
    if key == config.DEV_PII_KEY:
        print(
            f"zwfw run: {config.DEVELOPMENT_KEY_ENV}=1: pseudonymising with the published development key "
            "(sample data only)",
            file=sys.stderr,
        )
    from dagster_project.build_lock import BuildLocked

    try:
        summary = run_snapshot(settings, args.snapshot, verbose=args.verbose)
    except BuildLocked as exc:
        return _fail("run", [str(exc)])
    print(summary.render())
    return 0 if summary.success else 1


def _cmd_check(args: argparse.Namespace) -> int:
    from dagster_project.quality.report import check_warehouse

    warehouse = Path(args.warehouse).absolute()
    if not warehouse.is_file():
        return _fail("check", [_no_warehouse(warehouse)])
    problem = _snapshot_problem(warehouse, args.snapshot)
    if problem:
        return _fail("check", [problem])
    docs = Path(args.docs) if args.docs else warehouse.with_name(warehouse.name + ".docs")
    started = time.monotonic()
    ok, text, _ = check_warehouse(warehouse, args.snapshot, docs, volume_drop=_settings(warehouse).volume_drop)
    print(text)
    print(f"checks took {time.monotonic() - started:.1f}s")
    return 0 if ok else 1


def _snapshot_problem(warehouse: Path, snapshot: dt.date | None) -> str | None:
    """None when `snapshot` (or, when None, any snapshot) is published in `warehouse`."""
    import duckdb

    from dagster_project import published

    try:
        con = published.connect(warehouse)
    except duckdb.Error as exc:
        return f"{warehouse}: cannot be opened read-only ({str(exc).splitlines()[0]})"
    try:
        snapshots = published.snapshots(con)
    except duckdb.Error:
        return f"{warehouse}: holds no marts.fct_metrics (expected a warehouse built by zwfw run)"
    finally:
        con.close()
    if not snapshots:
        return f"{warehouse}: marts.fct_metrics holds no snapshot yet"
    if snapshot is not None and snapshot not in snapshots:
        shown = ", ".join(d.isoformat() for d in snapshots[-5:])
        return f"{warehouse}: snapshot {snapshot.isoformat()} is not published (published: {shown})"
    return None


def _cmd_audit(args: argparse.Namespace) -> int:
    from zwfw_contract.audit import audit_dir

    folder = Path(args.dir).absolute()
    if not folder.is_dir():
        return _fail("audit", [f"{folder}: no such folder (expected the printed tables as tNN.csv files)"])
    if not any(folder.glob("t*.csv")):
        return _fail("audit", [f"{folder}: holds no tNN.csv file (expected the printed tables, e.g. t04.csv)"])
    findings, audited, skipped = audit_dir(folder)
    print(f"audited {len(audited)} printed tables: {', '.join(audited)}")
    if skipped:
        print(f"not auditable (parts not printed): {', '.join(skipped)}")
    for f in findings:
        print("  " + f.render())
    print(f"{len(findings)} inconsistenc{'y' if len(findings) == 1 else 'ies'}")
    return 1 if findings else 0


def _cmd_report(args: argparse.Namespace) -> int:
    from dagster_project.report import ReportError, default_out_dir, read_marts, render_report

    warehouse = Path(args.warehouse).absolute()
    if not warehouse.is_file():
        return _fail("report", [_no_warehouse(warehouse)])
    problem = _snapshot_problem(warehouse, args.snapshot)
    if problem:
        return _fail("report", [problem])
    try:
        snapshot = args.snapshot or read_marts(warehouse).snapshot
        out = Path(args.out) if args.out else default_out_dir(_settings(warehouse).report_dir, snapshot)
        files = render_report(warehouse, snapshot, out, issued=args.issued)
    except ReportError as exc:
        print(f"zwfw report: {exc}", file=sys.stderr)
        return 2
    print(files.render())
    return 0


def _cmd_explain(args: argparse.Namespace) -> int:
    from dagster_project.report.marts import ReportError
    from dagster_project.report.trace import figures, render_explain

    try:
        snapshot, figs = figures(Path(args.warehouse).absolute(), args.table, args.unit, args.snapshot, args.metric)
    except ReportError as exc:
        return _fail("explain", [str(exc)])
    print(render_explain(snapshot, figs), end="")
    return 0


def _cmd_worklist(args: argparse.Namespace) -> int:
    from dagster_project.report.marts import ReportError
    from dagster_project.report.worklists import write_worklists

    try:
        files = write_worklists(Path(args.warehouse).absolute(), Path(args.out), args.snapshot, args.unit)
    except ReportError as exc:
        return _fail("worklist", [str(exc)])
    print(files.render())
    return 0


def _cmd_docs(args: argparse.Namespace) -> int:
    from dagster_project.analysts.docs_site import DocsError, build_docs, default_docs_dir
    from dagster_project.manifest import ensure_manifest

    warehouse = Path(args.warehouse).absolute()
    try:
        settings = _settings(warehouse)
        page = build_docs(
            warehouse,
            Path(args.out) if args.out else default_docs_dir(settings.report_dir),
            ensure_manifest(),
            settings.dbt_environment(),
        )
    except DocsError as exc:
        return _fail("docs", [str(exc)])
    print(f"dbt docs site (open it in a browser; it needs no network): {page}")
    return 0


def _cmd_sql(args: argparse.Namespace) -> int:
    from dagster_project.analysts import sql_shell

    warehouse = Path(args.warehouse).absolute()
    if not warehouse.is_file():
        return _fail("sql", [_no_warehouse(warehouse)])
    return sql_shell.run(warehouse, args.command)


def _cmd_mf(args: argparse.Namespace) -> int:
    """MetricFlow's `mf` on the published warehouse: dbt's target `published` attaches it read-only."""
    from dagster_project.analysts.metricflow import run_mf

    warehouse = Path(args.warehouse).absolute()
    if not warehouse.is_file():
        return _fail("mf", [_no_warehouse(warehouse)])
    return run_mf(_settings(warehouse), list(args.args))


def _cmd_setup(args: argparse.Namespace) -> int:
    from dagster_project import config
    from dagster_project.instance import write_settings
    from dagster_project.manifest import ensure_manifest

    print(f"dbt manifest: {ensure_manifest(force=True)}")
    print(f"Dagster instance settings: {write_settings(config.Settings.from_environ().dagster_home)}")
    return 0


def _sub(sub, name: str, summary: str, example: str) -> argparse.ArgumentParser:
    return sub.add_parser(
        name,
        help=summary,
        description=summary,
        epilog=f"example:\n  {example}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def build_parser() -> argparse.ArgumentParser:
    from dagster_project import config

    p = argparse.ArgumentParser(
        prog="zwfw",
        description="一体化政务服务能力 weekly metrics pipeline",
        epilog="example:\n  zwfw run --raw-dir raw --snapshot 2020-12-25 --warehouse warehouse/zwfw.duckdb\n"
        "Each command's own --help lists its options.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    day = "YYYY-MM-DD"

    def published_snapshot(parser, help: str = "a published snapshot (default: the latest)") -> None:
        parser.add_argument("--snapshot", type=_date, default=None, metavar=day, help=help)

    g = _sub(
        sub,
        "generate",
        "write deterministic sample submissions for one snapshot",
        "zwfw generate --out raw --snapshot 2021-01-01 --delta-days 7",
    )
    g.add_argument(
        "--out", required=True, metavar="DIR", help="landing zone to write into; files go to DIR/<snapshot>/ (required)"
    )
    g.add_argument(
        "--snapshot", required=True, type=_date, metavar=day, help="the snapshot (delivery date) to write (required)"
    )
    g.add_argument(
        "--seed",
        type=int,
        default=20201225,
        metavar="N",
        help="random seed; same seed and arguments, same bytes (default: %(default)s)",
    )
    g.add_argument(
        "--world",
        choices=("calibrated", "sample"),
        default="calibrated",
        help="calibrated: the real 2020-12-25 bulletin rebuilt from records (docs/CALIBRATION.md); "
        "sample: a smaller random world, for quick tests (default: %(default)s)",
    )
    g.add_argument(
        "--scale",
        type=float,
        default=None,
        metavar="S",
        help="event volumes: calibrated, a fraction of full size (1 = the real province; default "
        "0.003); sample, a multiplier (default 1)",
    )
    g.add_argument(
        "--delta-days",
        type=int,
        default=None,
        metavar="N",
        help="deliver only event versions updated in the last N days, a weekly delta "
        "(default: the whole year so far, a backfill)",
    )
    g.set_defaults(func=_cmd_generate)

    r = _sub(
        sub,
        "run",
        "ingest one snapshot, build and check the warehouse aside, publish it atomically, render the bulletin",
        "zwfw run --raw-dir raw --snapshot 2020-12-25 --warehouse warehouse/zwfw.duckdb",
    )
    r.add_argument(
        "--raw-dir",
        default=str(config.DEFAULT_RAW_DIR),
        metavar="DIR",
        help="the landing zone: DIR/<snapshot>/<source>.(csv|xlsx|parquet) or DIR/<snapshot>/<source>/ "
        "(CONTRACT §2) (default: %(default)s)",
    )
    r.add_argument(
        "--snapshot",
        required=True,
        type=_date,
        metavar=day,
        help="the snapshot to load and compute; its folder DIR/<snapshot>/ must exist (required)",
    )
    r.add_argument(
        "--warehouse",
        default=str(config.DEFAULT_WAREHOUSE),
        metavar="FILE",
        help="the published DuckDB file; replaced atomically only when every step and blocking "
        "check passed (default: %(default)s)",
    )
    r.add_argument(
        "--engine",
        choices=config.ENGINES,
        default=None,
        help="where the dbt models run: duckdb on this machine, or Apache Spark (docs/SPARK.md); the "
        "published warehouse is DuckDB either way (default: $ZWFW_DBT_TARGET, else duckdb)",
    )
    r.add_argument(
        "--verbose",
        action="store_true",
        help="print Dagster's and dbt's own output and stack traces here (default: into the run's log "
        "file, whose path the summary prints)",
    )
    r.set_defaults(func=_cmd_run)

    c = _sub(
        sub,
        "check",
        "run the reconciliation suites (Great Expectations) on a warehouse",
        "zwfw check --warehouse warehouse/zwfw.duckdb --snapshot 2020-12-25",
    )
    c.add_argument("--warehouse", required=True, metavar="FILE", help="a warehouse built by zwfw run (required)")
    published_snapshot(c, "a published snapshot (default: the latest in marts.fct_metrics)")
    c.add_argument("--docs", default=None, metavar="DIR", help="data docs folder (default: FILE.docs/)")
    c.set_defaults(func=_cmd_check)

    a = _sub(
        sub,
        "audit",
        "check the arithmetic of a printed bulletin's tables (tNN.csv); exit 1 on findings",
        "zwfw audit tests/fixtures/bulletin-2020-12-25",
    )
    a.add_argument("dir", metavar="DIR", help="folder of the printed tables as tNN.csv files (t04.csv, t08a.csv, …)")
    a.set_defaults(func=_cmd_audit)

    rp = _sub(
        sub,
        "report",
        "render one snapshot's bulletin as HTML (prints to A4) and XLSX",
        "zwfw report --warehouse warehouse/zwfw.duckdb --snapshot 2020-12-25 --issued 2020-12-28",
    )
    rp.add_argument("--warehouse", required=True, metavar="FILE", help="a built warehouse, opened read-only (required)")
    published_snapshot(rp, "a published snapshot (default: the latest in marts.fct_metrics)")
    rp.add_argument(
        "--out",
        default=None,
        metavar="DIR",
        help="folder for bulletin.html and bulletin.xlsx (default: <warehouse dir>/report/<snapshot>/)",
    )
    rp.add_argument(
        "--issued",
        type=_date,
        default=None,
        metavar=day,
        help="date printed in the title block (default: the snapshot)",
    )
    rp.set_defaults(func=_cmd_report)

    e = _sub(
        sub,
        "explain",
        "trace one unit's figures in one table to their formula, parts and records",
        "zwfw explain --warehouse warehouse/zwfw.duckdb --table 8 --unit 410100",
    )
    e.add_argument("--warehouse", required=True, metavar="FILE", help="a published warehouse, read-only (required)")
    published_snapshot(e)
    e.add_argument("--table", required=True, type=int, metavar="N", help="bulletin table number, 1-18 (required)")
    e.add_argument(
        "--unit", required=True, metavar="CODE", help="unit code (dept_id or region code) or its exact name (required)"
    )
    e.add_argument("--metric", default=None, metavar="CODE", help="only this metric, e.g. t08_ua_coverage")
    e.set_defaults(func=_cmd_explain)

    w = _sub(
        sub,
        "worklist",
        "write each unit's 查漏补缺 worklist (one XLSX per unit) and an HTML index",
        "zwfw worklist --warehouse warehouse/zwfw.duckdb --out warehouse/worklists",
    )
    w.add_argument("--warehouse", required=True, metavar="FILE", help="a published warehouse, read-only (required)")
    published_snapshot(w)
    w.add_argument("--unit", default=None, metavar="CODE", help="only this unit (default: every unit)")
    w.add_argument("--out", required=True, metavar="DIR", help="folder for <unit>.xlsx and index.html (required)")
    w.set_defaults(func=_cmd_worklist)

    d = _sub(
        sub,
        "docs",
        "build the dbt docs site of a published warehouse: one offline HTML page with the "
        "lineage from the raw sources to every mart and every table and column described",
        "zwfw docs --warehouse warehouse/zwfw.duckdb --out warehouse/docs",
    )
    d.add_argument(
        "--warehouse",
        default=str(config.DEFAULT_WAREHOUSE),
        metavar="FILE",
        help="a published warehouse; dbt reads a private copy of it (default: %(default)s)",
    )
    d.add_argument(
        "--out", default=None, metavar="DIR", help="folder for index.html (default: <warehouse dir>/report/docs/)"
    )
    d.set_defaults(func=_cmd_docs)

    q = _sub(
        sub,
        "sql",
        "a read-only SQL shell on the published warehouse (DuckDB SQL; .tables, .describe T)",
        'zwfw sql --warehouse warehouse/zwfw.duckdb -c "select * from marts.dim_metrics limit 5"',
    )
    q.add_argument(
        "--warehouse",
        default=str(config.DEFAULT_WAREHOUSE),
        metavar="FILE",
        help="the published warehouse, opened read-only (default: %(default)s)",
    )
    q.add_argument(
        "-c",
        "--command",
        default=None,
        metavar="SQL",
        help="run this one statement and exit (default: read statements from the terminal or stdin)",
    )
    q.set_defaults(func=_cmd_sql)

    m = _sub(
        sub,
        "mf",
        "query the bulletin's metrics with MetricFlow (mf) on the published warehouse, read-only: "
        "any metric regrouped by unit, city, department, scope or snapshot, without SQL",
        "zwfw mf query --metrics t08_ua_coverage --group-by unit__city,metric_time__week",
    )
    m.add_argument(
        "--warehouse",
        default=str(config.DEFAULT_WAREHOUSE),
        metavar="FILE",
        help="the published warehouse (default: %(default)s); give it before mf's own arguments",
    )
    m.add_argument(
        "args",
        nargs=argparse.REMAINDER,
        metavar="MF_ARGS",
        help="mf's command and options: query, list metrics, list dimensions --metrics M, …",
    )
    m.set_defaults(func=_cmd_mf)

    s = _sub(sub, "setup", "prepare the dbt manifest that Dagster loads (dev.py runs it)", "zwfw setup")
    s.set_defaults(func=_cmd_setup)
    return p


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    from dagster_project import config

    config.private_files()
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())

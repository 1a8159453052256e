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


def _cmd_generate(args: argparse.Namespace) -> int:
    started = time.monotonic()
    if args.world == "calibrated":
        from zwfw_sample.calibrated import DEFAULT_SCALE, generate_calibrated

        scale = DEFAULT_SCALE if args.scale is None else args.scale
        res = generate_calibrated(Path(args.out), args.snapshot, scale=scale, seed=args.seed,
                                  delta_days=args.delta_days)
    else:
        from zwfw_sample import generate_snapshot

        scale = 1.0 if args.scale is None else args.scale
        res = generate_snapshot(Path(args.out), args.snapshot, seed=args.seed, scale=scale,
                                delta_days=args.delta_days)
    total = sum(res.rows.values())
    bad = sum(res.bad_rows.values())
    print(f"generated {res.snapshot_dir} ({args.world} world, scale {scale:g}): {total} rows in {len(res.rows)} sources "
          f"({bad} deliberately bad) in {time.monotonic() - started:.1f}s")
    for source, n in sorted(res.rows.items()):
        print(f"  {source:<20}{n:>12}")
    return 0


def _cmd_run(args: argparse.Namespace) -> int:
    from dagster_project.run import run_snapshot

    summary = run_snapshot(Path(args.raw_dir), args.snapshot, Path(args.warehouse))
    print(summary.render())
    return 0 if summary.success else 1


def _cmd_check(args: argparse.Namespace) -> int:
    from dagster_project.quality.report import check_warehouse

    warehouse = Path(args.warehouse)
    if not warehouse.exists():
        print(f"no warehouse at {warehouse}")
        return 2
    docs = Path(args.docs) if args.docs else warehouse.with_name(warehouse.name + ".docs")
    started = time.monotonic()
    ok, text, _ = check_warehouse(warehouse, args.snapshot, docs)
    print(text)
    print(f"checks took {time.monotonic() - started:.1f}s")
    return 0 if ok else 1


def _cmd_audit(args: argparse.Namespace) -> int:
    from zwfw_contract.audit import audit_dir

    findings, audited, skipped = audit_dir(Path(args.dir))
    print(f"audited {len(audited)} printed tables: {', '.join(audited)}")
    if skipped:
        print(f"not auditable (parts not printed): {', '.join(skipped)}")
    for f in findings:
        print("  " + f.render())
    print(f"{len(findings)} inconsistenc{'y' if len(findings) == 1 else 'ies'}")
    return 1 if findings else 0


def _cmd_report(args: argparse.Namespace) -> int:
    from dagster_project.report import ReportError, default_out_dir, read_marts, render_report

    warehouse = Path(args.warehouse)
    try:
        snapshot = args.snapshot or read_marts(warehouse).snapshot
        out = Path(args.out) if args.out else default_out_dir(warehouse, snapshot)
        files = render_report(warehouse, snapshot, out, issued=args.issued)
    except ReportError as exc:
        print(f"zwfw report: {exc}", file=sys.stderr)
        return 2
    print(files.render())
    return 0


def _cmd_setup(args: argparse.Namespace) -> int:
    from dagster_project.manifest import ensure_manifest

    print(f"dbt manifest: {ensure_manifest(force=True)}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    from dagster_project import config

    p = argparse.ArgumentParser(prog="zwfw", description="一体化政务服务能力 weekly metrics pipeline")
    sub = p.add_subparsers(dest="command", required=True)

    g = sub.add_parser("generate", help="write deterministic sample submissions for one snapshot")
    g.add_argument("--out", required=True, help="landing zone; files go to OUT/<snapshot>/")
    g.add_argument("--snapshot", required=True, type=_date)
    g.add_argument("--seed", type=int, default=20201225)
    g.add_argument("--world", choices=("calibrated", "sample"), default="calibrated",
                   help="calibrated: the real 2020-12-25 bulletin rebuilt from records (docs/CALIBRATION.md); "
                        "sample: a smaller random world, for quick tests")
    g.add_argument("--scale", type=float, default=None,
                   help="event volumes: calibrated, a fraction of full size (1 = the real province; default "
                        "0.003); sample, a multiplier (default 1)")
    g.add_argument("--delta-days", type=int, default=None,
                   help="deliver only event versions updated in the last N days (default: the whole year so far)")
    g.set_defaults(func=_cmd_generate)

    r = sub.add_parser("run", help="ingest one snapshot and build the warehouse through Dagster")
    r.add_argument("--raw-dir", default=str(config.DEFAULT_RAW_DIR))
    r.add_argument("--snapshot", required=True, type=_date)
    r.add_argument("--warehouse", default=str(config.DEFAULT_WAREHOUSE),
                   help="the published DuckDB file (replaced atomically on success)")
    r.set_defaults(func=_cmd_run)

    c = sub.add_parser("check", help="run the reconciliation suites (Great Expectations) on a warehouse")
    c.add_argument("--warehouse", required=True)
    c.add_argument("--snapshot", type=_date, default=None, help="default: the latest in marts.fct_metrics")
    c.add_argument("--docs", default=None, help="data docs directory (default: <warehouse>.docs/)")
    c.set_defaults(func=_cmd_check)

    a = sub.add_parser("audit", help="check the arithmetic of a printed bulletin's tables (tNN.csv); exit 1 on findings")
    a.add_argument("dir", help="folder of tNN.csv files as printed")
    a.set_defaults(func=_cmd_audit)

    rp = sub.add_parser("report", help="render one snapshot's bulletin as HTML (prints to A4) and XLSX")
    rp.add_argument("--warehouse", required=True, help="a built warehouse (opened read-only)")
    rp.add_argument("--snapshot", type=_date, default=None, help="default: the latest in marts.fct_metrics")
    rp.add_argument("--out", default=None,
                    help="folder for bulletin.html and bulletin.xlsx (default: <warehouse dir>/report/<snapshot>/)")
    rp.add_argument("--issued", type=_date, default=None, help="date in the title block (default: the snapshot)")
    rp.set_defaults(func=_cmd_report)

    s = sub.add_parser("setup", help="prepare the dbt manifest that Dagster loads")
    s.set_defaults(func=_cmd_setup)
    return p


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())

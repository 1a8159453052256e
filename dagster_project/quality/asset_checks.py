"""The reconciliation suites as Dagster asset checks on `fct_metrics` (blocking on ERROR severity).

They read the build's scratch database (read-only) after dbt has built it, before publication.
One check per group; each reports its failed sub-checks with the first violations as metadata.
"""

import dagster as dg

from dagster_project.partitions import parse_snapshot
from dagster_project.resources import WarehouseResource

FCT_METRICS = dg.AssetKey(["fct_metrics"])
GROUPS = {
    "gx_metrics_reconcile": (
        "metrics",
        "value = numerator/denominator; counts and parts whole and ≥ 0 (every table)",
    ),
    "gx_cross_table_reconcile": ("cross_table", "t08+t09 vs t11, t10 vs t14, YTD cases, t07 vs registry"),
    "gx_raw_to_warehouse": ("raw", "per file: read = loaded + rejected; loaded/rejected = rows in raw tables"),
    "gx_sources_delivered": ("volume", "every reference source delivered (error); volume drop (warning)"),
}


@dg.multi_asset_check(
    specs=[
        dg.AssetCheckSpec(name, asset=FCT_METRICS, blocking=True, description=desc)
        for name, (_, desc) in GROUPS.items()
    ],
    can_subset=False,
)
def gx_reconciliation_checks(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource):
    from dagster_project.quality.checks import ERROR, collect
    from dagster_project.quality.gx_suites import run_suites

    snapshot = parse_snapshot(context.partition_key)  # the checks run in the snapshot's run only
    _, checks = collect(warehouse.build, snapshot, volume_drop=warehouse.volume_drop)
    outcomes = run_suites(checks)
    for name, (group, _) in GROUPS.items():
        mine = [o for o in outcomes if o.check.group == group]
        failed = [o for o in mine if not o.success]
        errors = [o for o in failed if o.check.severity == ERROR]
        sev = dg.AssetCheckSeverity.ERROR if errors else dg.AssetCheckSeverity.WARN
        text = "\n".join(f"{o.check.severity} {o.check.name}: " + "; ".join(o.messages[:5]) for o in failed)
        notes = "\n".join(f"{o.check.name}: {o.check.note}" for o in mine if o.check.note)
        yield dg.AssetCheckResult(
            check_name=name,
            asset_key=FCT_METRICS,
            passed=not failed,
            severity=sev,
            metadata={
                "checks": len(mine),
                "failed": len(failed),
                "violations": dg.MetadataValue.md(text or "none"),
                "notes": dg.MetadataValue.md(notes or "none"),
            },
        )

"""The bulletin (HTML + XLSX) as the last asset of a snapshot's build.

It depends on every table's mart and on `fct_metrics`, whose reconciliation checks are blocking:
when a check fails, Dagster skips this asset and no bulletin is written. It reads the warehouse
the run is building (read-only, everything into memory, connection closed) and writes
`<report dir>/<snapshot>/bulletin.{html,xlsx}` (`ZWFW_REPORT_DIR`, default `report/` beside the
warehouse, which is the same folder for the build file and the published one).
"""

import dagster as dg

from dagster_project.partitions import parse_snapshot, snapshot_partitions
from dagster_project.report.layout import MARTS
from dagster_project.resources import WarehouseResource

REPORT_GROUP = "report"
BULLETIN_REPORT = dg.AssetKey(["bulletin_report"])
UPSTREAM = [dg.AssetKey([m]) for m in (*MARTS, "fct_metrics")]


@dg.asset(
    key=BULLETIN_REPORT,
    deps=UPSTREAM,
    partitions_def=snapshot_partitions,
    group_name=REPORT_GROUP,
    kinds={"html", "xlsx"},
    description="The bulletin as people read it: an HTML page (prints to A4) and an XLSX workbook, "
                "with week-over-week change, charts and units below target highlighted.",
)
def bulletin_report(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    from dagster_project.report import default_out_dir, render_report

    snapshot = parse_snapshot(context.partition_key)
    files = render_report(warehouse.file, snapshot, default_out_dir(warehouse.file, snapshot))
    context.log.info(files.render())
    return dg.MaterializeResult(metadata={
        "html": dg.MetadataValue.path(str(files.html)),
        "xlsx": dg.MetadataValue.path(str(files.xlsx)),
        "previous_snapshot": dg.MetadataValue.text(files.previous.isoformat() if files.previous else ""),
        "seconds": dg.MetadataValue.float(round(files.seconds, 2)),
    })

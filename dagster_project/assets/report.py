"""The bulletin (HTML + XLSX) as the last asset of a snapshot's build.

It follows publication (so a failed check, which skips publication, writes no bulletin) and
reads the published warehouse, which holds the previous snapshots the bulletin compares with
(read-only, everything into memory, connection closed). It writes
`<report dir>/<snapshot>/bulletin.{html,xlsx}` (`ZWFW_REPORT_DIR`, default `report/` beside the
warehouse).
"""

from dataclasses import dataclass, field

import dagster as dg

from dagster_project.assets.publication import PUBLISHED_WAREHOUSE
from dagster_project.dbt_cli import ZwfwDbtCliResource
from dagster_project.partitions import parse_snapshot, snapshot_partitions
from dagster_project.resources import WarehouseResource

REPORT_GROUP = "report"
# The metadata keys of the files the report assets write, read back by `report_outputs`.
HTML, XLSX, INDEX = "html", "xlsx", "index"


BULLETIN_REPORT = dg.AssetKey(["bulletin_report"])


@dg.asset(
    key=BULLETIN_REPORT,
    deps=[PUBLISHED_WAREHOUSE],
    partitions_def=snapshot_partitions,
    group_name=REPORT_GROUP,
    kinds={"html", "xlsx"},
    description="The bulletin as people read it: an HTML page (prints to A4) and an XLSX workbook, "
    "with week-over-week change, charts and units below target highlighted.",
)
def bulletin_report(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    from dagster_project.report import default_out_dir, render_report

    warehouse.hold_build_lock(context)
    snapshot = parse_snapshot(context.partition_key)
    files = render_report(warehouse.file, snapshot, default_out_dir(warehouse.reports, snapshot))
    context.log.info(files.render())
    return dg.MaterializeResult(
        metadata={
            HTML: dg.MetadataValue.path(str(files.html)),
            XLSX: dg.MetadataValue.path(str(files.xlsx)),
            "previous_snapshot": dg.MetadataValue.text(files.previous.isoformat() if files.previous else ""),
            "seconds": dg.MetadataValue.float(round(files.seconds, 2)),
        }
    )


UNIT_WORKLISTS = dg.AssetKey(["unit_worklists"])


@dg.asset(
    key=UNIT_WORKLISTS,
    deps=[BULLETIN_REPORT],
    partitions_def=snapshot_partitions,
    group_name=REPORT_GROUP,
    kinds={"xlsx", "html"},
    description="查漏补缺: one XLSX per unit with the records behind its shortfall (reason, department to act, "
    "weeks open, and 已整改 since the previous snapshot), and an HTML index; written after the bulletin.",
)
def unit_worklists(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    from dagster_project.report import default_out_dir
    from dagster_project.report.worklists import write_worklists

    warehouse.hold_build_lock(context)
    snapshot = parse_snapshot(context.partition_key)
    files = write_worklists(warehouse.file, default_out_dir(warehouse.reports, snapshot) / "worklists", snapshot)
    context.log.info(files.render())
    return dg.MaterializeResult(
        metadata={
            INDEX: dg.MetadataValue.path(str(files.index)),
            "units": dg.MetadataValue.int(len(files.workbooks)),
            "open_records": dg.MetadataValue.int(files.records),
            "resolved_records": dg.MetadataValue.int(files.resolved),
            "seconds": dg.MetadataValue.float(round(files.seconds, 2)),
        }
    )


DBT_DOCS_SITE = dg.AssetKey(["dbt_docs_site"])


@dg.asset(
    key=DBT_DOCS_SITE,
    deps=[PUBLISHED_WAREHOUSE],
    partitions_def=snapshot_partitions,
    group_name=REPORT_GROUP,
    kinds={"dbt", "html"},
    description="For analysts: the dbt docs site of the published warehouse, one offline page "
    "(<report dir>/docs/index.html) with the lineage from the raw sources to every mart and "
    "every table and column described.",
)
def dbt_docs_site(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource, dbt: ZwfwDbtCliResource
) -> dg.MaterializeResult:
    from dagster_project.analysts.docs_site import FINGERPRINT_FILE, build_docs, default_docs_dir
    from dagster_project.manifest import ensure_manifest

    warehouse.hold_build_lock(context)
    stamp = default_docs_dir(warehouse.reports) / FINGERPRINT_FILE
    before = stamp.stat().st_mtime_ns if stamp.exists() else None
    page = build_docs(warehouse.file, default_docs_dir(warehouse.reports), ensure_manifest(), dbt.env)
    regenerated = not stamp.exists() or stamp.stat().st_mtime_ns != before
    context.log.info(f"dbt docs site: {page}" + ("" if regenerated else " (project and schema unchanged: kept)"))
    return dg.MaterializeResult(
        metadata={INDEX: dg.MetadataValue.path(str(page)), "regenerated": dg.MetadataValue.bool(regenerated)}
    )


# The assets that render what the published warehouse holds (not dbt models).
REPORT_ASSETS = (BULLETIN_REPORT, UNIT_WORKLISTS, DBT_DOCS_SITE)


@dataclass(frozen=True)
class ReportOutputs:
    """What the report assets of a run wrote, as the run summary prints it."""

    bulletin: list[str] = field(default_factory=list)  # the HTML and XLSX
    worklists: str | None = None  # the index of the units' worklists
    docs: str | None = None  # the dbt docs site


def report_outputs(materializations) -> ReportOutputs:
    """The files from a run's materializations of the report assets (by their keys)."""

    def paths(key: dg.AssetKey, names: tuple[str, ...]) -> list[str]:
        return [
            str(m.metadata[n].value) for m in materializations if m.asset_key == key for n in names if n in m.metadata
        ]

    worklists, docs = paths(UNIT_WORKLISTS, (INDEX,)), paths(DBT_DOCS_SITE, (INDEX,))
    return ReportOutputs(
        bulletin=paths(BULLETIN_REPORT, (HTML, XLSX)),
        worklists=worklists[0] if worklists else None,
        docs=docs[0] if docs else None,
    )

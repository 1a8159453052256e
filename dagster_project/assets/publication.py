"""Publication as the weekly job's asset: the build's marts into the lake, then the small
published warehouse swapped in by one rename (`dagster_project/publish.py`).

It depends on every mart (read from dbt's manifest), `fct_metrics` among them, whose
reconciliation checks are blocking, and on
dbt's step (a failed dbt test fails it): when anything upstream failed, Dagster skips this asset
and the published file stays byte-identical. `zwfw run`, a run launched from the Dagster UI and
the Friday schedule all publish here, the same way.
"""

import dagster as dg

from dagster_project.manifest import mart_names
from dagster_project.partitions import parse_snapshot, snapshot_partitions
from dagster_project.resources import WarehouseResource

PUBLISH_GROUP = "publish"
PUBLISHED_WAREHOUSE = dg.AssetKey(["published_warehouse"])
UPSTREAM = [dg.AssetKey([m]) for m in mart_names()]  # every mart of the dbt project


@dg.asset(
    key=PUBLISHED_WAREHOUSE,
    deps=UPSTREAM,
    partitions_def=snapshot_partitions,
    group_name=PUBLISH_GROUP,
    kinds={"duckdb", "parquet"},
    description="The warehouse analysts read (ZWFW_WAREHOUSE): every snapshot of every mart, raw.rejects, "
    "raw.load_files and raw.<source> views over the lake. Replaced atomically, only after "
    "every blocking check passed.",
)
def published_warehouse(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    from dagster_project.publish import publish

    warehouse.hold_build_lock(context)
    snapshot = parse_snapshot(context.partition_key)
    result = publish(warehouse.build, warehouse.file, warehouse.lake_dir, snapshot, keep_build=warehouse.keep_build)
    context.log.info(
        f"published {result.file}: {result.marts} marts, {result.snapshots} snapshots, {result.bytes / 2**20:.1f} MiB"
    )
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(result.file)),
            "lake": dg.MetadataValue.path(str(warehouse.lake_dir)),
            "marts": dg.MetadataValue.int(result.marts),
            "snapshots": dg.MetadataValue.int(result.snapshots),
            "size_mib": dg.MetadataValue.float(round(result.bytes / 2**20, 2)),
        }
    )

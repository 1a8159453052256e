"""One Dagster asset per raw source: the snapshot's delivery, validated and pseudonymised, into its
lake partition `<lake>/<source>/snapshot_date=D/` (which dbt reads as `raw.<source>`)."""

import dagster as dg

from dagster_project import config
from dagster_project.ingest.load import LoadResult, ingest_source
from dagster_project.lake import partition_dir
from dagster_project.partitions import parse_snapshot, snapshot_partitions
from dagster_project.resources import WarehouseResource
from zwfw_contract.sources import SOURCES, Source

INGESTION_GROUP = "ingestion"


def raw_asset_key(source_name: str) -> dg.AssetKey:
    """The same key dagster-dbt gives the dbt source `raw.<source>`, so lineage joins up."""
    return dg.AssetKey(["raw", source_name])


def _deps(source: Source) -> list[dg.AssetKey]:
    # Rows are checked against the snapshot's departments, so those load first.
    return [raw_asset_key("departments")] if source.dept_column else []


def _metadata(result: LoadResult) -> dict[str, dg.MetadataValue]:
    files = "\n".join(
        f"| {f.file} | {f.format} | {f.encoding or ''} | {f.rows_read} | {f.rows_loaded} | {f.rows_rejected} |"
        for f in result.files
    )
    return {
        "rows_read": dg.MetadataValue.int(result.rows_read),
        "rows_loaded": dg.MetadataValue.int(result.rows_loaded),
        "rows_rejected": dg.MetadataValue.int(result.rows_rejected),
        "delivered": dg.MetadataValue.bool(not result.absent),
        "file_count": dg.MetadataValue.int(len(result.files)),
        "files": dg.MetadataValue.md(
            "| file | format | encoding | read | loaded | rejected |\n|---|---|---|---|---|---|\n" + files
        ),
    }


def build_ingestion_asset(source: Source) -> dg.AssetsDefinition:
    @dg.asset(
        key=raw_asset_key(source.name),
        deps=_deps(source),
        partitions_def=snapshot_partitions,
        group_name=INGESTION_GROUP,
        kinds={"python", "parquet"},
        description=f"{source.description} Loaded from raw/<snapshot>/{source.name}.* ({source.kind} source) "
        f"into the lake, {source.name}/snapshot_date=<snapshot>/.",
        tags={"source_kind": source.kind},
    )
    def _ingest(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
        warehouse.hold_build_lock(context)
        snapshot = parse_snapshot(context.partition_key)
        result = ingest_source(
            source.name,
            raw_dir=warehouse.landing_zone,
            snapshot_date=snapshot,
            lake=warehouse.lake_dir,
            pii_key=config.pii_key(),  # a secret: read at the step, never a resource value Dagster stores
            memory_limit=warehouse.ingest_memory_limit,
            chunk_bytes=warehouse.ingest_chunk_bytes,
        )
        if result.absent:
            context.log.warning(f"{source.name}: no delivery for {snapshot} (no changes this week)")
        else:
            context.log.info(
                f"{source.name}: read {result.rows_read}, loaded {result.rows_loaded}, rejected {result.rows_rejected}"
            )
        metadata = _metadata(result)
        metadata["partition"] = dg.MetadataValue.path(str(partition_dir(warehouse.lake_dir, source.name, snapshot)))
        return dg.MaterializeResult(metadata=metadata)

    return _ingest


ingestion_assets = [build_ingestion_asset(s) for s in SOURCES]


# `raw.rejects` and `raw.load_files` (dbt sources over the lake) are written by every ingestion
# asset beside its partition: named here so they sit in the ingestion group and show where they
# come from, rather than as ungrouped assets Dagster makes up for dbt's dependencies.
ingestion_side_tables = [
    dg.AssetSpec(
        key=raw_asset_key(name),
        deps=[raw_asset_key(s.name) for s in SOURCES],
        group_name=INGESTION_GROUP,
        kinds={"parquet"},
        description=description,
    )
    for name, description in (
        ("rejects", "Every rejected row of every delivery, with file, line, column and reason (CONTRACT §2)."),
        ("load_files", "Per delivered file: rows read, loaded and rejected (read = loaded + rejected)."),
    )
]

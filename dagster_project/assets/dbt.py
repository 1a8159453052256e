"""The dbt project as Dagster assets, one per model, with dbt tests as asset checks."""


from typing import Any, Mapping

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from dagster_project import config
from dagster_project.dbt_args import dbt_build_args
from dagster_project.manifest import ensure_manifest
from dagster_project.partitions import parse_snapshot, snapshot_partitions

# The manifest is rebuilt (`dbt parse`) whenever it is missing or older than the dbt sources, so
# `dagster dev`, the CLI and tests always load the current project. This plays the part of
# `DbtProject.prepare_if_dev()`, with the dbt beside this interpreter rather than one on PATH.
ensure_manifest()
dbt_project = DbtProject(project_dir=config.DBT_PROJECT_DIR, profiles_dir=config.DBT_PROJECT_DIR)

LAYERS = ("staging", "intermediate", "marts")


class LayeredTranslator(DagsterDbtTranslator):
    """Groups dbt models by layer (the folder under models/), the way the project is read."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        fqn = dbt_resource_props.get("fqn") or []
        for part in fqn[1:]:
            if part in LAYERS:
                return part
        return super().get_group_name(dbt_resource_props)


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    partitions_def=snapshot_partitions,
    dagster_dbt_translator=LayeredTranslator(),
)
def zwfw_dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    snapshot = parse_snapshot(context.partition_key)
    yield from dbt.cli(dbt_build_args(snapshot), context=context).stream()

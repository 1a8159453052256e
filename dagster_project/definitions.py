"""The one Dagster `Definitions` of the project (`dagster dev -m dagster_project.definitions`).

`build_definitions` takes the settings; `zwfw run` passes its own. `dagster dev` (and the schedule
in its daemon) loads `defs`, which builds them from the environment when the code location loads,
not when this module is imported.
"""

from __future__ import annotations

import dagster as dg

from dagster_project import config
from dagster_project.assets.dbt import zwfw_dbt_models
from dagster_project.assets.ingestion import ingestion_assets, ingestion_side_tables
from dagster_project.assets.publication import published_warehouse
from dagster_project.assets.report import bulletin_report, dbt_docs_site, unit_worklists
from dagster_project.dbt_cli import ZwfwDbtCliResource
from dagster_project.jobs import weekly_snapshot_job, weekly_snapshot_schedule
from dagster_project.progress import Steps
from dagster_project.quality.asset_checks import gx_reconciliation_checks
from dagster_project.resources import WarehouseResource


def build_definitions(settings: config.Settings) -> dg.Definitions:
    return dg.Definitions(
        assets=[
            *ingestion_side_tables,
            *ingestion_assets,
            zwfw_dbt_models,
            published_warehouse,
            bulletin_report,
            unit_worklists,
            dbt_docs_site,
        ],
        asset_checks=[gx_reconciliation_checks],
        jobs=[weekly_snapshot_job],
        schedules=[weekly_snapshot_schedule],
        resources={"warehouse": WarehouseResource.of(settings), "dbt": ZwfwDbtCliResource.of(settings)},
        # DuckDB takes one writer per file: steps run one after another in one process, so an
        # ingestion step and dbt never hold the warehouse at the same time.
        executor=dg.in_process_executor,
    )


def run_steps() -> Steps:
    """The weekly job's steps, labelled for a run's progress lines (by the assets' own names)."""
    labels = {asset.node_def.name: f"ingest {asset.key.path[-1]}" for asset in ingestion_assets}
    for node, label in (
        (zwfw_dbt_models, "dbt"),
        (gx_reconciliation_checks, "checks"),
        (published_warehouse, "publish"),
        (bulletin_report, "bulletin"),
        (unit_worklists, "worklists"),
        (dbt_docs_site, "docs"),
    ):
        labels[node.node_def.name] = label
    return Steps(labels, dbt=zwfw_dbt_models.node_def.name)


@dg.definitions
def defs() -> dg.Definitions:
    """The code location of `dagster dev`: its settings from the environment it was started in."""
    config.private_files()  # the code location's processes (UI-launched runs, the schedule) write privately
    return build_definitions(config.Settings.from_environ())

"""The one Dagster `Definitions` of the project (`dagster dev -m dagster_project.definitions`)."""

from __future__ import annotations

import sys
from pathlib import Path

import dagster as dg

from dagster_project import config
from dagster_project.assets.dbt import ZwfwDbtCliResource, dbt_project, zwfw_dbt_models
from dagster_project.assets.ingestion import ingestion_assets
from dagster_project.assets.publication import published_warehouse
from dagster_project.assets.report import bulletin_report, dbt_docs_site, unit_worklists
from dagster_project.quality.asset_checks import gx_reconciliation_checks
from dagster_project.jobs import weekly_snapshot_job, weekly_snapshot_schedule
from dagster_project.resources import WarehouseResource

# The dbt beside this interpreter, so a venv works without being activated.
DBT_EXECUTABLE = str(Path(sys.executable).with_name("dbt"))

config.private_files()  # the code location's processes (UI-launched runs, the schedule) write privately
defs = dg.Definitions(
    assets=[*ingestion_assets, zwfw_dbt_models, published_warehouse, bulletin_report, unit_worklists,
            dbt_docs_site],
    asset_checks=[gx_reconciliation_checks],
    jobs=[weekly_snapshot_job],
    schedules=[weekly_snapshot_schedule],
    resources={
        "warehouse": WarehouseResource(),
        "dbt": ZwfwDbtCliResource(project_dir=dbt_project, dbt_executable=DBT_EXECUTABLE),
    },
    # DuckDB takes one writer per file: steps run one after another in one process, so an
    # ingestion step and dbt never hold the warehouse at the same time.
    executor=dg.in_process_executor,
)

"""The dbt command line as a Dagster resource, told its settings explicitly.

dagster-dbt's `DbtCliResource.cli` starts dbt with a copy of this process's environment, so the
only way to tell dbt where the warehouse is would be to write it into `os.environ` first. This
resource carries dbt's variables (`config.Settings.dbt_environment`) as a field, which the
Dagster UI shows, and gives them, with a call's own (the snapshot), to dbt's process alone.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from dagster._utils import pushd
from dagster_dbt import DbtCliResource
from dagster_dbt.asset_utils import (
    DBT_INDIRECT_SELECTION_ENV,
    extract_runtime_selection_from_args,
    get_updated_cli_invocation_params_for_context,
)
from dagster_dbt.core.dbt_cli_invocation import DbtCliInvocation
from dagster_dbt.dagster_dbt_translator import DagsterDbtTranslator, validate_opt_translator
from dagster_dbt.dbt_manifest import validate_manifest

from dagster_project import config

# The dbt beside this interpreter, so a venv works without being activated.
DBT_EXECUTABLE = str(Path(sys.executable).with_name("dbt"))


class ZwfwDbtCliResource(DbtCliResource):
    """dagster-dbt's resource with dbt's environment given explicitly (`env`), and without two
    costs of its start-up this project never uses: `dbt --version` in a subprocess at every run
    (~1.5 s), and a dbt adapter loaded in this process (~2 s) for `fetch_column_metadata` /
    `fetch_row_counts`, which the assets do not call."""

    env: dict[str, str] = {}

    @classmethod
    def of(cls, settings: config.Settings, target: str | None = None) -> ZwfwDbtCliResource:
        return cls(
            project_dir=str(config.DBT_PROJECT_DIR),
            profiles_dir=str(config.DBT_PROJECT_DIR),
            target=target or settings.dbt_target,
            dbt_executable=DBT_EXECUTABLE,
            env=settings.dbt_environment(),
        )

    @functools.cached_property
    def _cli_version(self):
        from dbt.version import __version__
        from packaging import version

        return version.parse(__version__)

    def _initialize_dbt_core_adapter(self, args):
        return None

    def cli(
        self,
        args: Sequence[str],
        *,
        env: Mapping[str, str] | None = None,
        raise_on_error: bool = True,
        manifest=None,
        dagster_dbt_translator: DagsterDbtTranslator | None = None,
        context=None,
        target_path: Path | None = None,
    ) -> DbtCliInvocation:
        """`DbtCliResource.cli` (dagster-dbt 0.29), with dbt's process given this resource's `env`
        and the call's `env` over this process's environment."""
        translator = validate_opt_translator(dagster_dbt_translator) or DagsterDbtTranslator()
        manifest = validate_manifest(manifest) if manifest else {}
        cleaned, selects, excludes = extract_runtime_selection_from_args(args)
        params = get_updated_cli_invocation_params_for_context(
            context=context,
            manifest=manifest,
            dagster_dbt_translator=translator,
            runtime_selects=selects,
            runtime_excludes=excludes,
        )
        target_path = target_path or self._get_unique_target_path(context=context)
        project_dir = Path(params.dbt_project.project_dir if params.dbt_project else self.project_dir)
        process_env = config.child_environment(
            self.env,
            env or {},
            {
                "DAGSTER_DBT_CLI": "true",
                "PYTHONUNBUFFERED": "1",
                "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
                "DBT_LOG_FORMAT": "json",  # dagster-dbt reads dbt's structured log, one event a line
                "DBT_TARGET_PATH": os.fspath(target_path),
                "DBT_LOG_PATH": os.fspath(target_path),
                "DBT_PROJECT_DIR": str(project_dir),
                **({"DBT_PROFILES_DIR": self.profiles_dir} if self.profiles_dir else {}),
            },
        )
        if params.indirect_selection:
            process_env[DBT_INDIRECT_SELECTION_ENV] = params.indirect_selection
        profile_args = [
            *(["--profile", self.profile] if self.profile else []),
            *(["--target", self.target] if self.target else []),
        ]
        command = [self.dbt_executable, *self.global_config_flags, *cleaned, *profile_args, *params.selection_args]
        if not target_path.is_absolute():
            target_path = project_dir / target_path
        with pushd(str(project_dir)):
            return DbtCliInvocation.run(
                args=command,
                env=process_env,
                manifest=params.manifest,
                dagster_dbt_translator=params.dagster_dbt_translator,
                project_dir=project_dir,
                target_path=target_path,
                raise_on_error=raise_on_error,
                context=context,
                adapter=None,
                cli_version=self._cli_version,
                dbt_project=params.dbt_project,
            )

"""The dbt project as Dagster assets, one per model, with dbt tests as asset checks."""

import re
from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtProject, dbt_assets

from dagster_project import config
from dagster_project import lake as lake_layout
from dagster_project.assets.ingestion import INGESTION_GROUP
from dagster_project.dbt_args import (
    dbt_build_args,
    dbt_drop_build_schemas_args,
    dbt_import_marts_args,
    snapshot_env,
    weekly_build_args,
)
from dagster_project.dbt_cli import ZwfwDbtCliResource
from dagster_project.manifest import ensure_manifest
from dagster_project.partitions import parse_snapshot, snapshot_partitions
from dagster_project.publish import fresh_scratch, fresh_spark_dir
from dagster_project.quality.gx_suites import warm_import
from dagster_project.resources import WarehouseResource

# The manifest is rebuilt (`dbt parse`) whenever it is missing or older than the dbt sources, so
# `dagster dev`, the CLI and tests always load the current project. This plays the part of
# `DbtProject.prepare_if_dev()`, with the dbt beside this interpreter rather than one on PATH.
ensure_manifest()
# One project, whichever engine builds it: the engine is the dbt resource's target, from the
# settings the edge built (`ZwfwDbtCliResource.of`).
dbt_project = DbtProject(project_dir=config.DBT_PROJECT_DIR, profiles_dir=config.DBT_PROJECT_DIR)

LAYERS = ("staging", "intermediate", "marts")
GLOSSARY_GROUP = "glossary"  # the seeds: metric_glossary, bulletin_tables
SEMANTIC_GROUP = "semantic"  # MetricFlow's time spine (models/semantic)

_REF = re.compile(r"""ref\(\s*['"]([^'"]+)['"]\s*\)""")
_SOURCE = re.compile(r"""source\(\s*['"]([^'"]+)['"]\s*,\s*['"]([^'"]+)['"]\s*\)""")


def _relation(expr: Any) -> str | None:
    """`ref('stg_regions')` -> stg_regions, `source('raw', 'cases')` -> raw.cases."""
    text = str(expr or "")
    if m := _SOURCE.search(text):
        return f"{m.group(1)}.{m.group(2)}"
    if m := _REF.search(text):
        return m.group(1)
    return None


def _tested_relation(test: Mapping[str, Any], kwargs: Mapping[str, Any]) -> str:
    attached = test.get("attached_node")  # model.<package>.<name>[.v<n>]
    if attached:
        return attached.split(".", 2)[-1]
    return _relation(kwargs.get("model")) or "the tested relation"


def _columns(cols: Any) -> str:
    return ", ".join(map(str, cols)) if isinstance(cols, (list, tuple)) else str(cols)


def _values(values: Any) -> str:
    return ", ".join(repr(v) for v in values) if isinstance(values, (list, tuple)) else repr(values)


def rule_texts(kwargs: Mapping[str, Any]) -> list[str]:
    """The rules of one `rules` test (dbt/tests/generic/rules.sql) in words, in its order: the
    words a failing rule returns from the database (dbt/macros/rule_text.sql says them alike)."""
    texts = [f"{column} is never null" for column in kwargs.get("not_null") or []]
    for column, values in (kwargs.get("accepted_values") or {}).items():
        quoted = ", ".join("'" + str(v) + "'" for v in values)
        texts.append(f"{column} is one of {quoted}")
    for column, (low, high) in (kwargs.get("between") or {}).items():
        texts.append(f"{column} lies between {low} and {high} inclusive")
    texts += [
        f"{numerator} never exceeds {denominator}"
        for numerator, denominator in kwargs.get("numerator_le_denominator") or []
    ]
    texts += [
        f"{key} is unique" if isinstance(key, str) else f"no two rows share ({', '.join(key)})"
        for key in kwargs.get("unique") or []
    ]
    return texts


def dbt_test_description(test: Mapping[str, Any]) -> str:
    """The description of a dbt test node (a manifest dict) as a Dagster asset check.

    The test's own YAML `description` wins (also accepted under `config`, or as dagster-dbt's
    `meta.description`); otherwise a sentence says what the generic test asserts, with its
    arguments, and the `where` filter the test runs under.
    """
    config = test.get("config") or {}
    for declared in (
        test.get("description"),
        config.get("description"),
        (config.get("meta") or {}).get("description"),
        (test.get("meta") or {}).get("description"),
    ):
        if isinstance(declared, str) and declared.strip():
            return " ".join(declared.split())

    metadata = test.get("test_metadata") or {}
    kwargs = metadata.get("kwargs") or {}
    name = metadata.get("name")
    model = _tested_relation(test, kwargs)
    column = kwargs.get("column_name") or test.get("column_name")

    if not name:  # a singular test: a query in tests/ that returns the failing rows
        where = test.get("original_file_path") or test.get("name")
        sentence = f"The singular test {where} on {model} returns no rows"
    elif name == "unique":
        sentence = f"{column} is unique in {model}"
    elif name == "not_null":
        sentence = f"{column} is never null in {model}"
    elif name == "accepted_values":
        sentence = f"{column} in {model} is one of {_values(kwargs.get('values'))}"
    elif name == "relationships":
        target = _relation(kwargs.get("to")) or kwargs.get("to")
        sentence = f"Every non-null {column} in {model} exists as {kwargs.get('field')} in {target}"
    elif name == "between":
        sentence = (
            f"{column} in {model} lies between {kwargs.get('min_value')} and "
            f"{kwargs.get('max_value')} inclusive (NULL passes)"
        )
    elif name == "numerator_le_denominator":
        sentence = (
            f"{kwargs.get('numerator')} never exceeds {kwargs.get('denominator')} "
            f"in {model} (rows where either is NULL pass)"
        )
    elif name == "totals_add_up":
        unit, total = kwargs.get("unit_column", "unit_code"), kwargs.get("total", "TOTAL")
        sentence = (
            f"In {model}, per ({_columns(kwargs.get('group_by'))}) the 合计 row "
            f"({unit} = '{total}') is the sum over the units: its numerator and "
            "denominator, or for counts its value"
        )
    elif name == "unique_combination":
        sentence = f"No two rows of {model} share the same ({_columns(kwargs.get('combination'))})"
    elif name == "rules":
        sentence = f"In {model}: " + "; ".join(rule_texts(kwargs))
    else:  # a generic test this function does not know: its name and arguments
        qualified = ".".join(p for p in (metadata.get("namespace"), name) if p)
        args = ", ".join(f"{k}={v!r}" for k, v in sorted(kwargs.items()) if k not in ("model", "column_name"))
        subject = f"{column} in {model}" if column else model
        sentence = f"{subject} passes the {qualified} test" + (f" ({args})" if args else "")

    if config.get("where"):
        sentence += f", among rows where {config['where']}"
    return sentence + "."


class LayeredTranslator(DagsterDbtTranslator):
    """Groups dbt models by layer (the folder under models/), the way the project is read, and
    describes every dbt test's asset check."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        """Every dbt node in a named group: its layer; the glossary seeds; the semantic layer's
        time spine; the raw sources no ingestion asset defines (`raw.rejects`, `raw.load_files`,
        written by ingestion alongside the sources)."""
        fqn = dbt_resource_props.get("fqn") or []
        for part in fqn[1:]:
            if part in LAYERS:
                return part
        kind = dbt_resource_props.get("resource_type")
        if kind == "seed":
            return GLOSSARY_GROUP
        if kind == "source":
            return INGESTION_GROUP
        if SEMANTIC_GROUP in fqn[1:]:
            return SEMANTIC_GROUP
        return super().get_group_name(dbt_resource_props)

    def get_asset_check_spec(
        self,
        asset_spec: dg.AssetSpec,
        manifest: Mapping[str, Any],
        unique_id: str,
        project: DbtProject | None,
    ) -> dg.AssetCheckSpec | None:
        """dagster-dbt's check for a dbt test, described by `dbt_test_description` (its default
        reads only `meta.description`, so most checks would say "No description provided")."""
        spec = super().get_asset_check_spec(asset_spec, manifest, unique_id, project)
        if spec is None:
            return None
        return spec._replace(description=dbt_test_description(manifest["nodes"][unique_id]))


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    partitions_def=snapshot_partitions,
    dagster_dbt_translator=LayeredTranslator(),
)
def zwfw_dbt_models(context: dg.AssetExecutionContext, dbt: ZwfwDbtCliResource, warehouse: WarehouseResource):
    """`dbt build` of one snapshot in a new scratch database (never a copy of the published file),
    reading the lake; publication (`published_warehouse`) takes the marts from there.

    On Spark the models build in a new local session folder (its Derby metastore takes one
    process), or on a Spark Connect server after dropping what the last build left there; told
    the published snapshots, they write the marts to the lake's spark_marts/, which are then
    imported into the DuckDB scratch database, so the checks and publication are the same for
    both engines.
    """
    warehouse.hold_build_lock(context)
    warm_import()  # the checks' GX, while dbt runs
    snapshot = parse_snapshot(context.partition_key)
    fresh_scratch(warehouse.build)
    lake_layout.mark_legacy_snapshots(warehouse.lake_dir)  # the worklist reads the marked snapshots
    if config.engine_of(dbt.target) != "spark":
        invocation = dbt.cli(
            weekly_build_args(), env=snapshot_env(snapshot), context=context, target_path=warehouse.dbt_target
        )
        yield from _naming_broken_rules(invocation, warehouse.build)
        return
    session = dbt.target != config.SPARK_CONNECT_OUTPUT
    if not session:  # a Spark Connect server keeps its catalog between builds
        dbt.cli(dbt_drop_build_schemas_args(snapshot), manifest=dbt_project.manifest_path, raise_on_error=True).wait()
    fresh_spark_dir(warehouse.spark_session_dir, warehouse.spark_marts, session=session)
    published = lake_layout.published_snapshots(warehouse.lake_dir)
    yield from dbt.cli(dbt_build_args(snapshot, lake_snapshots=published), context=context).stream()
    duckdb_dbt = ZwfwDbtCliResource(
        project_dir=dbt.project_dir,
        profiles_dir=dbt.profiles_dir,
        target="duckdb",
        dbt_executable=dbt.dbt_executable,
        env=dbt.env,
    )
    duckdb_dbt.cli(
        dbt_import_marts_args(snapshot, warehouse.spark_marts), manifest=dbt_project.manifest_path, raise_on_error=True
    ).wait()
    context.log.info(f"imported the marts Spark wrote ({warehouse.spark_marts}) into {warehouse.build}")


def broken_rules(database, compiled_sql: str) -> list[tuple[str, int]]:
    """(rule, failing rows) of a failed `rules` test, its compiled query run again on the
    scratch `database` once dbt has let go of it."""
    import duckdb

    con = duckdb.connect(str(database), read_only=True)
    try:
        return [(str(rule), int(rows)) for rule, rows in con.execute(compiled_sql).fetchall()]
    finally:
        con.close()


def _naming_broken_rules(invocation, database):
    """The invocation's events, with each failed `rules` check saying which of its rules broke
    (its description, shown in the Dagster UI and the run summary): one node checks a model's
    many rules, and a failure must still name itself. The failed checks follow the others, once
    dbt has finished and released the scratch database."""
    failed = []
    try:
        for event in invocation.stream():
            if isinstance(event, dg.AssetCheckResult) and not event.passed:
                failed.append(event)
            else:
                yield event
    except Exception:
        yield from _described(failed, invocation, database)
        raise
    yield from _described(failed, invocation, database)


def _described(failed, invocation, database):
    if not failed:
        return
    try:
        compiled = {
            r["unique_id"]: r.get("compiled_code") or "" for r in invocation.get_artifact("run_results.json")["results"]
        }
    except (OSError, ValueError, KeyError):
        compiled = {}
    for event in failed:
        unique_id = getattr(event.metadata.get("unique_id"), "value", None)
        sql = compiled.get(unique_id, "")
        if not (unique_id or "").startswith("test.zwfw.rules_") or not sql:
            yield event
            continue
        import duckdb

        try:
            broken = broken_rules(database, sql)
        except duckdb.Error as exc:  # the rule names are a courtesy: the check failed either way
            broken = [(f"(the broken rules could not be listed: {exc})", 0)]
        text = "; ".join(f"{rule}: {rows} rows" if rows else rule for rule, rows in broken)
        yield event._replace(
            description=f"broken: {text}", metadata={**event.metadata, "broken_rules": dg.MetadataValue.text(text)}
        )

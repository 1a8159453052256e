"""Validate the violation frames with GX Core 1.x (ephemeral context, pandas data source).

One expectation suite per check: the violation frame must have 0 rows, and its `violation`
column (the readable message) must be all null, so GX's unexpected list names the offending
table, unit and figures. Skipped checks are not validated.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from dagster_project.quality.checks import Check


@dataclass
class Outcome:
    check: Check
    success: bool
    messages: list[str]


_warming = threading.Lock()
_warm: list[threading.Thread] = []


def warm_import() -> None:
    """Import Great Expectations (~3 s of one core) in the background while dbt builds: dbt's
    process leaves the other core idle most of the time, where the import would otherwise hold
    this process's interpreter when the run is created or the checks start."""
    with _warming:
        if not _warm:
            _warm.append(threading.Thread(target=_import_gx, name="zwfw-warm-gx", daemon=True))
            _warm[0].start()


def _import_gx() -> None:
    import great_expectations  # noqa: F401


def run_suites(checks: list[Check], docs_dir: Path | None = None) -> list[Outcome]:
    import great_expectations as gx

    context = gx.get_context(mode="ephemeral")
    try:
        from great_expectations.data_context.types.base import ProgressBarsConfig

        context.variables.progress_bars = ProgressBarsConfig(globally=False)
    except Exception:
        pass
    ds = context.data_sources.add_pandas("zwfw_warehouse")
    # One data asset for every check's violation frame (the frame is the batch parameter of each
    # run): an asset and a batch definition per check cost ~30 ms apiece and told GX nothing.
    bd = ds.add_dataframe_asset(name="violations").add_batch_definition_whole_dataframe("violations_whole")
    outcomes: list[Outcome] = []
    vds = []
    for c in checks:
        if c.skipped:
            outcomes.append(Outcome(c, True, []))
            continue
        suite = context.suites.add(gx.ExpectationSuite(name=c.name, meta={"description": c.description}))
        suite.add_expectation(gx.expectations.ExpectTableRowCountToEqual(value=0))
        suite.add_expectation(
            gx.expectations.ExpectColumnValuesToBeNull(column="violation", result_format={"result_format": "COMPLETE"})
        )
        vd = context.validation_definitions.add(gx.ValidationDefinition(name=c.name, data=bd, suite=suite))
        frame = c.violations.copy()
        frame["violation"] = frame["violation"].astype(object)
        res = vd.run(batch_parameters={"dataframe": frame}, result_format="COMPLETE")
        msgs: list[str] = []
        for r in res.results:
            if not r.success:
                msgs.extend(str(x) for x in (r.result.get("unexpected_list") or []))
        if not res.success and not msgs:  # GX trimmed the list: fall back to the frame itself
            msgs = [str(x) for x in frame["violation"]]
        outcomes.append(Outcome(c, bool(res.success), list(dict.fromkeys(msgs))))
        vds.append((vd, frame))
    if docs_dir is not None:
        try:
            _build_docs(context, vds, Path(docs_dir))
        except Exception as exc:  # data docs are a convenience, never a verdict
            print(f"warning: data docs not written: {exc}")
    return outcomes


def _build_docs(context, vds, docs_dir: Path) -> None:
    import great_expectations as gx

    docs_dir.mkdir(parents=True, exist_ok=True)
    context.add_data_docs_site(
        site_name="zwfw",
        site_config={
            "class_name": "SiteBuilder",
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs_dir)},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        },
    )
    for vd, frame in vds:
        cp = context.checkpoints.add(
            gx.Checkpoint(
                name=f"cp_{vd.name}",
                validation_definitions=[vd],
                actions=[gx.checkpoint.UpdateDataDocsAction(name="docs", site_names=["zwfw"])],
            )
        )
        cp.run(batch_parameters={"dataframe": frame})

"""The dbt docs site of a published warehouse: one offline HTML page with the lineage from the
raw sources to every mart and every description, for analysts (`zwfw docs`, and each `zwfw run`).

dbt reads its catalog through the project's profile, whose target is the build database
(`ZWFW_DBT_BUILD`, `<warehouse>.build`). It gets a private copy of the published file under that
name in a temporary folder: dbt never opens the published file (a build may replace it
meanwhile, an analyst may hold it), and the copy is deleted afterwards.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path

import duckdb

from dagster_project import config, published
from dagster_project.dbt_args import dbt_docs_args
from dagster_project.report import replace_file

SITE_FILE = "index.html"
FINGERPRINT_FILE = "index.html.sha256"  # what the page was made of (`fingerprint`)
# Two leftovers of dbt's page make the browser fetch what is not there (a console error, and a
# request off the page): `<use xlink:href="{{ getIcon(…) }}">` in its AngularJS templates,
# fetched before AngularJS fills it in (`ng-attr-` sets it once interpolated), and a favicon
# link still holding its bundler's `${require(…)}` (an empty inline icon instead).
FIXES = (
    ('xlink:href="{{', 'ng-attr-xlink:href="{{'),
    ("href=\"${require('./assets/favicons/favicon.ico')}\"", 'href="data:,"'),
)


class DocsError(RuntimeError):
    """The docs site could not be built (no warehouse, dbt failed)."""


def default_docs_dir(report_dir: Path) -> Path:
    """`docs/` beside the bulletins: `<report dir>/docs/index.html`."""
    return Path(report_dir) / "docs"


def _latest_snapshot(warehouse: Path) -> dt.date:
    con = published.connect(warehouse)
    try:
        return published.latest(con)
    except duckdb.Error as exc:
        raise DocsError(f"{warehouse}: no marts.fct_metrics ({exc}); build it with `zwfw run`") from exc
    except published.PublishedError as exc:
        raise DocsError(f"{warehouse}: no snapshot published yet") from exc
    finally:
        con.close()


def fingerprint(warehouse: Path, manifest: Path) -> str:
    """What the page is made of: the parsed project (lineage, descriptions), the published
    schema (dbt's catalog: tables, views, columns, types, comments), dbt's version and our fixes.
    A week that changes neither publishes the same page, so it is not generated again."""
    import hashlib

    import dbt.version

    digest = hashlib.sha256()
    digest.update(Path(manifest).read_bytes())
    digest.update(repr((dbt.version.__version__, FIXES)).encode())
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        for sql in (
            "select schema_name, table_name, comment from duckdb_tables() "
            "where database_name = current_database() order by all",
            "select schema_name, view_name, comment from duckdb_views() "
            "where database_name = current_database() and not internal order by all",
            "select schema_name, table_name, column_index, column_name, data_type, comment from duckdb_columns() "
            "where database_name = current_database() and not internal order by all",
        ):
            digest.update(repr(con.execute(sql).fetchall()).encode("utf-8"))
    finally:
        con.close()
    return digest.hexdigest()


def build_docs(warehouse: Path, out: Path, manifest: Path, dbt_env: Mapping[str, str], force: bool = False) -> Path:
    """Write `out/index.html` from the published `warehouse` and the parsed dbt `manifest`,
    unless the page there was made of the same project and schema (`force`: regardless).
    `dbt_env`: the variables dbt reads (`config.Settings.dbt_environment`)."""
    warehouse = Path(warehouse).resolve()
    if not warehouse.is_file():
        raise DocsError(f"{warehouse}: no such file (expected a warehouse built by zwfw run)")
    snapshot = _latest_snapshot(warehouse)
    made_of = fingerprint(warehouse, manifest)
    stamp = out / FINGERPRINT_FILE
    if not force and (out / SITE_FILE).is_file() and stamp.is_file() and stamp.read_text().strip() == made_of:
        return out / SITE_FILE
    with tempfile.TemporaryDirectory(prefix="zwfw-docs-") as tmp:
        scratch = Path(tmp) / warehouse.name
        shutil.copyfile(warehouse, config.build_path(scratch))
        target = Path(tmp) / "target"
        target.mkdir()
        shutil.copyfile(manifest, target / "manifest.json")
        # the catalog is the published DuckDB file's, whichever engine built it
        env = config.child_environment(
            dbt_env, {config.WAREHOUSE_ENV: str(scratch), config.DBT_BUILD_ENV: str(config.build_path(scratch))}
        )
        dbt = Path(sys.executable).with_name("dbt")
        proc = subprocess.run(
            [
                str(dbt),
                *dbt_docs_args(snapshot, str(target)),
                "--target",
                "duckdb",
                "--project-dir",
                str(config.DBT_PROJECT_DIR),
                "--profiles-dir",
                str(config.DBT_PROJECT_DIR),
            ],
            env=env,
            capture_output=True,
            text=True,
        )
        page = target / "static_index.html"
        if proc.returncode != 0 or not page.exists():
            tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-15:])
            raise DocsError(f"dbt docs generate failed (exit {proc.returncode}):\n{tail}")
        out.mkdir(parents=True, exist_ok=True)
        html = page.read_text(encoding="utf-8")
        for broken, fixed in FIXES:
            html = html.replace(broken, fixed)
        replace_file(out / SITE_FILE, lambda tmp: tmp.write_text(html, encoding="utf-8"))
        replace_file(stamp, lambda tmp: tmp.write_text(made_of + "\n", encoding="utf-8"))
    return out / SITE_FILE

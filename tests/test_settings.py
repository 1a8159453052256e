"""Settings are built once at the edge and passed: no module writes the environment, only
config.py reads it, and dbt is told its variables through its own process."""

from __future__ import annotations

import ast
import dataclasses
import os
import re
import stat
from pathlib import Path

import pytest

from dagster_project import config

REPO = Path(__file__).resolve().parents[1]
PIPELINE = REPO / "dagster_project"
# The one place allowed to write the environment: the command line's entry point (it needs none today).
ENTRY_POINT = ("dagster_project/cli.py", "main")
WRITERS = {"setdefault", "update", "pop", "popitem", "clear", "__setitem__", "__delitem__"}


def _is_environ(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "environ"
        and isinstance(node.value, ast.Name)
        and node.value.id == "os"
    )


def _environment_uses(path: Path) -> list[tuple[int, str, str]]:
    """(line, enclosing function, "write"/"read") for every use of the environment in `path`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []

    def visit(node: ast.AST, function: str) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            function = node.name
        kind = None
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Delete)):
            targets = node.targets if isinstance(node, (ast.Assign, ast.Delete)) else [node.target]
            if any(isinstance(t, ast.Subscript) and _is_environ(t.value) for t in targets):
                kind = "write"
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if _is_environ(node.func.value) and node.func.attr in WRITERS:
                kind = "write"
            elif (
                isinstance(node.func.value, ast.Name)
                and node.func.value.id == "os"
                and node.func.attr in ("putenv", "unsetenv")
            ):
                kind = "write"
            elif isinstance(node.func.value, ast.Name) and node.func.value.id == "os" and node.func.attr == "getenv":
                kind = "read"
        elif _is_environ(node):
            kind = "read"
        if kind:
            found.append((node.lineno, function, kind))
        for child in ast.iter_child_nodes(node):
            visit(child, function)

    visit(tree, "<module>")
    # a write's own `os.environ` attribute is not also a read
    writes = {line for line, _, kind in found if kind == "write"}
    return [f for f in found if f[2] == "write" or f[0] not in writes]


def _pipeline_files():
    return sorted(PIPELINE.rglob("*.py"))


def test_no_module_writes_the_environment_outside_the_entry_point():
    writes = []
    for path in _pipeline_files():
        rel = str(path.relative_to(REPO))
        for line, function, kind in _environment_uses(path):
            if kind == "write" and (rel, function) != ENTRY_POINT:
                writes.append(f"{rel}:{line} ({function})")
    assert writes == []


def test_only_config_reads_the_environment():
    reads = [
        f"{path.relative_to(REPO)}:{line}"
        for path in _pipeline_files()
        if path != PIPELINE / "config.py"
        for line, _, kind in _environment_uses(path)
        if kind == "read"
    ]
    assert reads == []


def test_the_scan_sees_every_way_of_writing(tmp_path):
    """The scan itself: each way of writing the environment is found (else the two tests above
    would pass on anything)."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import os\n"
        "os.environ['A'] = '1'\n"
        "os.environ.setdefault('B', '2')\n"
        "os.environ.update({'C': '3'})\n"
        "os.putenv('D', '4')\n"
        "del os.environ['A']\n"
        "def f():\n    return os.environ.get('E')\n"
        "def g():\n    return os.getenv('F')\n"
    )
    uses = _environment_uses(sample)
    assert [line for line, _, kind in uses if kind == "write"] == [2, 3, 4, 5, 6]
    assert [(line, function) for line, function, kind in uses if kind == "read"] == [(8, "f"), (10, "g")]


def test_every_variable_config_reads_is_in_the_readme_table():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("## Configuration") :]
    table = table[: table.index("\n## ", 4)]
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", table))
    names = {value for name, value in vars(config).items() if name.endswith("_ENV") and isinstance(value, str)}
    assert names - documented == set()


def test_locations_default_beside_the_warehouse_and_arguments_win(tmp_path):
    warehouse = tmp_path / "w" / "zwfw.duckdb"
    settings = config.Settings.from_environ({}, warehouse=warehouse, raw_dir=tmp_path / "raw")
    assert settings.warehouse == warehouse.resolve()
    assert settings.lake == warehouse.parent.resolve() / "lake"
    assert settings.report_dir == warehouse.parent.resolve() / "report"
    assert settings.spark_dir == warehouse.parent.resolve() / "zwfw.duckdb.spark"
    assert settings.raw_dir == (tmp_path / "raw").resolve()
    assert settings.build == warehouse.parent.resolve() / "zwfw.duckdb.build"
    moved = config.Settings.from_environ(
        {
            config.WAREHOUSE_ENV: "/elsewhere/x.duckdb",
            config.LAKE_ENV: str(tmp_path),
            config.INGEST_CHUNK_ENV: "0.5",
            config.KEEP_BUILD_ENV: "1",
        },
        warehouse=warehouse,
    )
    assert moved.warehouse == warehouse.resolve() and moved.lake == tmp_path.resolve()
    assert moved.ingest_chunk_bytes == 2**19 and moved.keep_build
    with pytest.raises(dataclasses.FrozenInstanceError):
        moved.lake = tmp_path  # type: ignore[misc]
    with pytest.raises(config.SettingsError, match="ZWFW_SPARK_THREADS='two'"):
        config.Settings.from_environ({config.SPARK_THREADS_ENV: "two"})


def test_dbt_gets_its_variables_in_its_own_process_only(tmp_path):
    """The dbt resource starts dbt with the settings' variables and the call's own, while this
    process's environment stays as it was."""
    from dagster_project.dbt_cli import ZwfwDbtCliResource

    seen = tmp_path / "environment"
    fake_dbt = tmp_path / "dbt"
    fake_dbt.write_text(f"#!/bin/sh\nenv > {seen}\n")
    fake_dbt.chmod(fake_dbt.stat().st_mode | stat.S_IXUSR)
    settings = config.Settings.from_environ({}, warehouse=tmp_path / "zwfw.duckdb")
    resource = ZwfwDbtCliResource.of(settings).model_copy(update={"dbt_executable": str(fake_dbt)})
    before = dict(os.environ)
    resource.cli(
        ["build"], env={"ZWFW_SNAPSHOT_DATE": "2020-12-25"}, target_path=tmp_path / "target", raise_on_error=False
    ).wait()
    got = dict(line.split("=", 1) for line in seen.read_text().splitlines() if "=" in line)
    assert got[config.DBT_BUILD_ENV] == str(tmp_path / "zwfw.duckdb.build")
    assert got[config.LAKE_ENV] == str(tmp_path / "lake")
    assert got["ZWFW_SNAPSHOT_DATE"] == "2020-12-25"
    assert dict(os.environ) == before

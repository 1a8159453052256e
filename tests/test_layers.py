"""The layer rules of docs/ARCHITECTURE.md, read from the code's own imports.

Every `import` and `from … import`, at module level or inside a function, counts: a lazy import
is still a dependency. The allowed map below is the one the architecture page shows.
"""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGES = {  # package → folder holding it
    "zwfw_contract": REPO / "contract" / "zwfw_contract",
    "zwfw_sample": REPO / "sample" / "zwfw_sample",
    "dagster_project": REPO / "dagster_project",
}
OURS = set(PACKAGES)

# Layer (a package, or a folder/module of dagster_project) → the layers it may import.
# `config` is the one setting per location; every layer of the pipeline may read it.
ALLOWED: dict[str, set[str]] = {
    "zwfw_contract": set(),
    "zwfw_sample": {"zwfw_contract"},
    "dagster_project.config": set(),
    "dagster_project.build_lock": set(),
    "dagster_project.lake": set(),
    "dagster_project.published": set(),
    "dagster_project.glossary": {"dagster_project.config"},
    "dagster_project.ingest": {"zwfw_contract", "dagster_project.config", "dagster_project.lake"},
    "dagster_project.dbt_args": set(),
    "dagster_project.dbt_cli": {"dagster_project.config"},
    "dagster_project.engine": {"dagster_project.config"},
    "dagster_project.manifest": {"dagster_project.config", "dagster_project.dbt_args"},
    "dagster_project.partitions": set(),
    "dagster_project.instance": set(),
    "dagster_project.resources": {"dagster_project.config", "dagster_project.build_lock", "dagster_project.lake"},
    "dagster_project.quality": {
        "zwfw_contract",
        "dagster_project.config",
        "dagster_project.partitions",
        "dagster_project.resources",
        "dagster_project.published",
        "dagster_project.glossary",
    },
    "dagster_project.publish": {"dagster_project.config", "dagster_project.lake"},
    "dagster_project.report": {
        "dagster_project.config",
        "dagster_project.dbt_args",
        "dagster_project.published",
        "dagster_project.glossary",
    },
    "dagster_project.analysts": {
        "dagster_project.config",
        "dagster_project.dbt_args",
        "dagster_project.manifest",
        "dagster_project.published",
        "dagster_project.report",
    },
    "dagster_project.jobs": {"dagster_project.partitions"},
    "dagster_project.progress": set(),
    "dagster_project.assets": {
        "zwfw_contract",
        "dagster_project.config",
        "dagster_project.dbt_args",
        "dagster_project.ingest",
        "dagster_project.lake",
        "dagster_project.manifest",
        "dagster_project.dbt_cli",
        "dagster_project.partitions",
        "dagster_project.publish",
        "dagster_project.quality",
        "dagster_project.report",
        "dagster_project.analysts",
        "dagster_project.resources",
    },
    "dagster_project.definitions": {
        "dagster_project.assets",
        "dagster_project.jobs",
        "dagster_project.quality",
        "dagster_project.resources",
        "dagster_project.config",
        "dagster_project.dbt_cli",
        "dagster_project.progress",
    },
    "dagster_project.run": {
        "dagster_project.config",
        "dagster_project.assets",
        "dagster_project.progress",
        "dagster_project.definitions",
        "dagster_project.jobs",
        "dagster_project.manifest",
        "dagster_project.partitions",
        "dagster_project.publish",
        "dagster_project.resources",
        "dagster_project.lake",
        "dagster_project.build_lock",
        "dagster_project.engine",
        "dagster_project.instance",
    },
    # The command line sits on top; it reaches the generator only inside `zwfw generate`.
    "dagster_project.cli": {"*"},
}
FOREIGN_FORBIDDEN = {  # third-party frameworks a layer must not import
    "zwfw_contract": {"dagster", "dagster_dbt", "dbt", "duckdb", "great_expectations"},
    "zwfw_sample": {"dagster", "dagster_dbt", "dbt", "great_expectations"},
}


def _modules() -> dict[str, Path]:
    found = {}
    for package, folder in PACKAGES.items():
        for path in folder.rglob("*.py"):
            parts = (package, *path.relative_to(folder).with_suffix("").parts)
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def _imports(name: str, path: Path) -> set[str]:
    is_package = path.name == "__init__.py"
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".") if is_package else name.split(".")[:-1]
                base = base[: len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
                out |= {f"{module}.{a.name}" for a in node.names} | {module}
            else:
                out.add(node.module)
                out |= {f"{node.module}.{a.name}" for a in node.names}
    return out


def _layer(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] == "dagster_project" and len(parts) > 1 else parts[0]


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    graph = {}
    for name, path in modules.items():
        graph[name] = {m for m in _imports(name, path) if m in modules and m != name}
    return graph


def test_every_layer_imports_only_what_the_architecture_allows():
    modules = _modules()
    wrong = []
    for name, path in modules.items():
        layer = _layer(name)
        assert layer in ALLOWED or layer == "dagster_project", f"{name}: layer {layer} is not in the map"
        allowed = ALLOWED.get(layer, set())
        for imported in _imports(name, path):
            top = imported.split(".")[0]
            if top in FOREIGN_FORBIDDEN.get(layer, set()):
                wrong.append(f"{name} imports {imported}")
            if top not in OURS or imported not in modules:
                continue
            target = _layer(imported)
            if target in (layer, "dagster_project") or "*" in allowed:
                continue
            if target not in allowed:
                wrong.append(f"{name} imports {imported} ({layer} → {target})")
    assert not wrong, "imports against docs/ARCHITECTURE.md:\n" + "\n".join(sorted(wrong))


def test_the_pipeline_reaches_the_generator_only_from_the_command_line():
    graph = _graph()
    users = sorted(
        m
        for m, deps in graph.items()
        if m.startswith("dagster_project") and any(d.startswith("zwfw_sample") for d in deps)
    )
    assert users == ["dagster_project.cli"]


def test_no_import_cycles():
    graph = _graph()
    index, low, stack, on_stack, cycles = {}, {}, [], set(), []
    counter = [0]

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in graph:
        if v not in index:
            visit(v)
    # A package's __init__ re-exporting its own submodules is not a cycle between modules.
    cycles = [c for c in cycles if not _only_package_reexports(c, graph)]
    assert not cycles, f"import cycles: {cycles}"


def _only_package_reexports(component: list[str], graph: dict[str, set[str]]) -> bool:
    members = set(component)
    for v in component:
        for w in graph[v] & members:
            if not (w.startswith(v + ".") or v.startswith(w + ".")):
                return False
    return True


def test_the_checker_sees_a_cycle_and_a_forbidden_import(tmp_path, monkeypatch):
    """The rules above can fail: a planted cycle and a planted import are found."""
    pkg = tmp_path / "zwfw_contract"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from zwfw_contract import b\nimport dagster\n")
    (pkg / "b.py").write_text("def f():\n    from zwfw_contract.a import x\n")
    monkeypatch.setitem(PACKAGES, "zwfw_contract", pkg)
    graph = _graph()
    assert "zwfw_contract.b" in graph["zwfw_contract.a"] and "zwfw_contract.a" in graph["zwfw_contract.b"]
    try:
        test_no_import_cycles()
    except AssertionError as exc:
        assert "zwfw_contract.a" in str(exc)
    else:
        raise AssertionError("the planted cycle was not found")
    try:
        test_every_layer_imports_only_what_the_architecture_allows()
    except AssertionError as exc:
        assert "zwfw_contract.a imports dagster" in str(exc)
    else:
        raise AssertionError("the planted import was not found")


def test_the_map_is_the_one_the_architecture_page_shows():
    page = (REPO / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    for layer in ALLOWED:
        shown = layer.replace("dagster_project.", "dagster_project/").replace(".", "/")
        assert f"`{shown.split('/')[-1]}" in page or shown in page, f"{layer} is not on the architecture map"

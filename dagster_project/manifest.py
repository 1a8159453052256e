"""dagster-dbt reads dbt's manifest when the Definitions load: make sure one exists."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from dagster_project import config
from dagster_project.dbt_args import dbt_parse_args


def manifest_path() -> Path:
    return config.DBT_PROJECT_DIR / "target" / "manifest.json"


def _stale(manifest: Path) -> bool:
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    sources = [p for d in ("models", "macros", "tests", "seeds") for p in (config.DBT_PROJECT_DIR / d).rglob("*")]
    sources += [config.DBT_PROJECT_DIR / "dbt_project.yml"]
    return any(p.is_file() and p.stat().st_mtime > built for p in sources)


def ensure_manifest(force: bool = False) -> Path:
    """Run `dbt parse` when the manifest is missing or older than the dbt sources."""
    manifest = manifest_path()
    if force or _stale(manifest):
        # one manifest whichever engine builds: the asset graph is the same on both
        # (the locations only let the profile render: parsing reads no data)
        env = config.Settings.from_environ().subprocess_environment()
        dbt = Path(sys.executable).with_name("dbt")
        cmd = [
            str(dbt),
            *dbt_parse_args(),
            "--project-dir",
            str(config.DBT_PROJECT_DIR),
            "--profiles-dir",
            str(config.DBT_PROJECT_DIR),
        ]
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError(f"dbt parse failed:\n{proc.stdout}\n{proc.stderr}")
    return manifest


def mart_names() -> list[str]:
    """Every model of the dbt project's `marts` layer (what publication takes to the lake)."""
    import json

    nodes = json.loads(ensure_manifest().read_text(encoding="utf-8"))["nodes"].values()
    return sorted(
        n["name"] for n in nodes if n["resource_type"] == "model" and len(n["fqn"]) > 2 and n["fqn"][1] == "marts"
    )

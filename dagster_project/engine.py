"""The engine the dbt models run on (`config.Settings.engine`): what it is, and what it lacks here.

Asked before a run starts, so a missing JVM or pyspark is said in one line at once rather
than as a stack trace from inside dbt, and named in the run summary afterwards.
"""

from __future__ import annotations

import importlib.metadata
import shutil
import subprocess
from pathlib import Path

from dagster_project import config


def _version(package: str) -> str | None:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def describe(settings: config.Settings) -> str:
    """One line: `duckdb 2.0.1`, `spark 4.3.0 (session, local[2])` or `spark 4.3.0 (connect, sc://…)`."""
    if settings.engine != "spark":
        return f"duckdb {_version('duckdb')}"
    where = f"connect, {settings.spark_remote}" if settings.spark_remote else f"session, {settings.spark_master}"
    return f"spark {_version('pyspark')} ({where})"


def java() -> str | None:
    home = config.java_home()
    candidate = str(Path(home) / "bin" / "java") if home else shutil.which("java")
    return candidate if candidate and Path(candidate).exists() else None


def problems(settings: config.Settings) -> list[str]:
    """What a build on the settings' engine needs and this machine lacks, one sentence each."""
    if settings.engine != "spark":
        return []
    found = []
    if _version("dbt-spark") is None or _version("pyspark") is None:
        found.append(
            "the spark engine needs dbt-spark and pyspark: pip install -c constraints.txt -e '.[spark]' "
            "(python3 dev.py test installs them)"
        )
    if not settings.spark_remote:  # a local session runs a JVM in this process
        path = java()
        if path is None:
            found.append(
                "the spark engine's local session needs Java 17 or newer: "
                "sudo apt-get install --no-install-recommends openjdk-17-jre-headless"
            )
        else:
            proc = subprocess.run([path, "-version"], capture_output=True, text=True)
            text = proc.stderr or proc.stdout
            version = text.split('"')[1] if '"' in text else ""
            major = version.split(".")[1] if version.startswith("1.") else version.split(".")[0]
            if not major.isdigit() or int(major) < 17:
                found.append(
                    f"the spark engine's local session needs Java 17 or newer; {path} is {version or 'unknown'}"
                )
    return found

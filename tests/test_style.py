"""The format holds: ruff (format and lint) for the Python, sqlfluff for the dbt project's SQL.

Configured in pyproject.toml (`[tool.ruff]`) and `.sqlfluff`; a violation fails the suite, and so
`python3 dev.py test` and CI. To fix: `.venv/bin/ruff format . && .venv/bin/ruff check --fix .`,
`.venv/bin/sqlfluff fix dbt/models dbt/tests`.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=REPO, capture_output=True, text=True)


@pytest.mark.quick
def test_python_is_formatted_by_ruff():
    proc = _run(str(BIN / "ruff"), "format", "--check", ".")
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.quick
def test_python_passes_ruffs_lint():
    proc = _run(str(BIN / "ruff"), "check", ".")
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.quick
def test_ruff_sees_a_violation(tmp_path):
    """The check itself: a badly formatted, unused import fails both (else the two above would
    pass on anything, e.g. with no files found)."""
    bad = tmp_path / "bad.py"
    bad.write_text("import os\nx=1\n")
    config = str(REPO / "pyproject.toml")
    assert _run(str(BIN / "ruff"), "check", "--config", config, str(bad)).returncode == 1
    assert _run(str(BIN / "ruff"), "format", "--config", config, "--check", str(bad)).returncode == 1


@pytest.mark.lint
def test_the_dbt_sql_passes_sqlfluff():
    """Every model and test of the dbt project, rendered as `dbt parse` renders it (.sqlfluff)."""
    proc = _run(str(BIN / "sqlfluff"), "lint", "dbt/models", "dbt/tests")
    assert proc.returncode == 0, proc.stdout[-5000:] + proc.stderr[-2000:]


def test_sqlfluff_sees_a_violation(tmp_path):
    """The check itself, with the project's settings: a keyword in capitals, a missing alias."""
    model = tmp_path / "probe.sql"
    model.write_text("SELECT 1, item_code from {{ ref('stg_service_items') }}\n")
    proc = _run(str(BIN / "sqlfluff"), "lint", "--config", str(REPO / ".sqlfluff"), str(model))
    assert proc.returncode == 1 and "AL03" in proc.stdout and "CP01" in proc.stdout, proc.stdout

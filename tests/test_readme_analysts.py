"""Every command the README's analyst section shows works after the quick start: each code block
runs, as written, in a folder whose `warehouse/` is a published warehouse and `.venv` this venv."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SECTION = "## Reading the warehouse (analysts)"


def _blocks() -> list[tuple[str, str]]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text[text.index(SECTION) :]
    section = section[: section.index("\n## ", len(SECTION))]
    return re.findall(r"```(bash|python)\n(.*?)```", section, re.S)


def test_the_section_shows_a_shell_a_python_and_a_semantic_layer_question():
    kinds = [kind for kind, _ in _blocks()]
    assert kinds.count("bash") == 2 and kinds.count("python") == 1
    code = "".join(body for _, body in _blocks())
    assert "zwfw sql" in code and "zwfw mf" in code and "duckdb -readonly" not in code


@pytest.mark.e2e
@pytest.mark.parametrize("index", range(3))
def test_each_block_runs_as_written(weekly_warehouse, tmp_path, index):
    kind, body = _blocks()[index]
    (tmp_path / "warehouse").symlink_to(weekly_warehouse["warehouse"].parent)
    (tmp_path / ".venv").symlink_to(Path(sys.executable).parents[1])
    command = ["bash", "-euo", "pipefail", "-c", body] if kind == "bash" else [sys.executable, "-c", body]
    proc = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    out = proc.stdout
    expected = {
        0: ["unit_name", "rank_in_scope"],
        1: ["2020-12-18", "2020-12-25"],
        2: ["unit__city", "t15_item_coverage"],
    }[index]
    assert all(word in out for word in expected), out[-2000:]
    assert "Error" not in proc.stderr

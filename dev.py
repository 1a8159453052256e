#!/usr/bin/env python3
"""Bootstrap and run the project with nothing but Python 3.11 installed.

    python3 dev.py demo    # set up, generate the sample snapshot, build the warehouse and the bulletin
    python3 dev.py test    # set up, run every test

Set-up is idempotent: a virtualenv in .venv, the pinned dependencies (constraints.txt), the
package in editable mode, and the dbt manifest that Dagster loads.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / "bin"
SAMPLE_SNAPSHOT = "2020-12-25"


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    env.setdefault("DAGSTER_HOME", str(ROOT / ".dagster_home"))
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    return env


def sh(*cmd: str) -> None:
    print("+", " ".join(cmd), flush=True)
    subprocess.run(cmd, cwd=ROOT, env=_env(), check=True)


def setup() -> None:
    if sys.version_info[:2] != (3, 11):
        sys.exit(f"Python 3.11 is required (this is {sys.version.split()[0]})")
    if not (BIN / "python").exists():
        print(f"creating virtualenv {VENV}", flush=True)
        venv.create(VENV, with_pip=True)
    stamp = VENV / ".installed"
    inputs = [ROOT / "pyproject.toml", ROOT / "constraints.txt"]
    if not stamp.exists() or any(p.stat().st_mtime > stamp.stat().st_mtime for p in inputs):
        sh(str(BIN / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
           "-c", "constraints.txt", "-e", ".[test]")
        stamp.touch()
    home = ROOT / ".dagster_home"
    home.mkdir(exist_ok=True)
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    sh(str(BIN / "zwfw"), "setup")


def demo() -> None:
    setup()
    sh(str(BIN / "zwfw"), "generate", "--out", "raw", "--snapshot", SAMPLE_SNAPSHOT)
    sh(str(BIN / "zwfw"), "run", "--raw-dir", "raw", "--snapshot", SAMPLE_SNAPSHOT,
       "--warehouse", "warehouse/zwfw.duckdb")
    report = Path(os.environ.get("ZWFW_REPORT_DIR") or ROOT / "warehouse" / "report") / SAMPLE_SNAPSHOT
    print(f"\nThe bulletin (open the HTML in a browser; it prints to A4):\n"
          f"  {report / 'bulletin.html'}\n  {report / 'bulletin.xlsx'}")


def test(extra: list[str]) -> None:
    setup()
    sh(str(BIN / "python"), "-m", "pytest", *extra)


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in {"setup", "demo", "test"}:
        sys.exit(__doc__)
    cmd, extra = sys.argv[1], sys.argv[2:]
    try:
        if cmd == "setup":
            setup()
        elif cmd == "demo":
            demo()
        else:
            test(extra)
    except subprocess.CalledProcessError as exc:
        sys.exit(exc.returncode)


if __name__ == "__main__":
    main()

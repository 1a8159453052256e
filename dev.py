#!/usr/bin/env python3
"""Bootstrap and run the project with nothing but Python 3.11 installed.

    python3 dev.py demo    # set up, generate the sample snapshot, build the warehouse and the bulletin
    python3 dev.py test    # set up, run every test (what CI runs)
    python3 dev.py test --quick   # the inner loop: unit tests, dbt unit tests, one weekly run

Set-up is idempotent: a virtualenv in .venv, the pinned dependencies (constraints.txt), the
package in editable mode, and the dbt manifest that Dagster loads. `test` first provisions the
system packages the tests need (SYSTEM_DEPS: Debian's Chromium and a CJK font for the bulletin's
browser test), installing them with apt-get when root, and stops in the first seconds with the
command to run when it cannot. `.ci/run` calls `test`, so CI and a developer cannot drift.
"""

from __future__ import annotations

import os
import shutil
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
    if not env.get("ZWFW_PII_KEY"):
        # the demo and the tests load generated sample data: the published development key, said so
        env.setdefault("ZWFW_DEVELOPMENT_KEY", "1")
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    return env


def sh(*cmd: str) -> None:
    print("+", " ".join(cmd), flush=True)
    subprocess.run(cmd, cwd=ROOT, env=_env(), check=True)


# What the tests need from the system, beyond Python: (Debian package, how to tell it is there,
# the tests that need it, whether ZWFW_SKIP_BROWSER=1 waives it). One list, read by `dev.py test`
# and so by `.ci/run`.
SYSTEM_DEPS = (
    (
        "chromium",
        lambda: Path("/usr/bin/chromium").exists() or shutil.which("chromium") is not None,
        "tests/report/test_report_browser.py (the bulletin in a real browser)",
        True,
    ),
    (
        "fonts-noto-cjk",
        lambda: _dpkg_installed("fonts-noto-cjk"),
        "tests/report/test_report_browser.py (Chinese glyphs really render)",
        True,
    ),
    (
        "openjdk-17-jre-headless",
        lambda: _java_major() >= 17,
        "tests/spark (the dbt models on Apache Spark, a local session in a JVM)",
        False,
    ),
)
SKIP_BROWSER_ENV = "ZWFW_SKIP_BROWSER"


def _dpkg_installed(package: str) -> bool:
    if shutil.which("dpkg-query") is None:
        return False
    proc = subprocess.run(["dpkg-query", "-W", "-f=${Status}", package], capture_output=True, text=True)
    return "install ok installed" in proc.stdout


def _java_major() -> int:
    """The major version of the `java` on PATH (or JAVA_HOME's), 0 when there is none."""
    home = os.environ.get("JAVA_HOME")
    java = str(Path(home) / "bin" / "java") if home else shutil.which("java")
    if not java or not Path(java).exists():
        return 0
    proc = subprocess.run([java, "-version"], capture_output=True, text=True)
    words = (proc.stderr or proc.stdout).split('"')
    version = words[1] if len(words) > 1 else "0"
    major = version.split(".")[1] if version.startswith("1.") else version.split(".")[0]
    return int(major) if major.isdigit() else 0


def missing_system_deps() -> list[tuple[str, str]]:
    skip_browser = os.environ.get(SKIP_BROWSER_ENV) == "1"
    return [
        (package, why)
        for package, present, why, browser in SYSTEM_DEPS
        if not (browser and skip_browser) and not present()
    ]


def provision_system_deps() -> None:
    """Install what SYSTEM_DEPS lacks (apt-get, as root), or stop at once saying what to do."""
    if os.environ.get(SKIP_BROWSER_ENV) == "1":
        print(
            f"{SKIP_BROWSER_ENV}=1: the browser tests are skipped on request; not checking "
            f"{', '.join(p for p, _, _, browser in SYSTEM_DEPS if browser)}",
            flush=True,
        )
    missing = missing_system_deps()
    if not missing:
        return
    packages = [p for p, _ in missing]
    can_install = shutil.which("apt-get") is not None and (os.geteuid() == 0 or shutil.which("sudo"))
    if can_install:
        sudo = [] if os.geteuid() == 0 else ["sudo", "-n"]
        print(f"installing system packages the tests need: {' '.join(packages)}", flush=True)
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        try:
            subprocess.run([*sudo, "apt-get", "update", "-q"], check=True, env=env)
            subprocess.run(
                [*sudo, "apt-get", "install", "-y", "-q", "--no-install-recommends", *packages], check=True, env=env
            )
        except subprocess.CalledProcessError:
            pass
        missing = missing_system_deps()
        if not missing:
            return
    lines = [f"dev.py test: missing system package {p}, needed by {why}" for p, why in missing]
    lines.append(f"  install it: sudo apt-get install --no-install-recommends {' '.join(p for p, _ in missing)}")
    if any(browser for p, _, _, browser in SYSTEM_DEPS if p in packages):
        lines.append(f"  or skip the browser tests explicitly: {SKIP_BROWSER_ENV}=1 python3 dev.py test")
    sys.exit("\n".join(lines))


def setup(extras: str = "test") -> None:
    """The venv with the package and `extras` (`test,spark` for the tests: the Spark suite)."""
    if sys.version_info[:2] != (3, 11):
        sys.exit(f"Python 3.11 is required (this is {sys.version.split()[0]})")
    if not (BIN / "python").exists():
        print(f"creating virtualenv {VENV}", flush=True)
        venv.create(VENV, with_pip=True)
    stamp = VENV / ".installed"
    inputs = [ROOT / "pyproject.toml", ROOT / "constraints.txt"]
    wanted = set(extras.split(","))
    installed = set(stamp.read_text().split(",")) if stamp.exists() else set()
    if not wanted <= installed or any(p.stat().st_mtime > stamp.stat().st_mtime for p in inputs):
        sh(
            str(BIN / "python"),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "-c",
            "constraints.txt",
            "-e",
            f".[{extras}]",
        )
        stamp.write_text(extras)
    sh(str(BIN / "zwfw"), "setup")  # the dbt manifest, and DAGSTER_HOME's settings (dagster_project/instance.py)


def demo() -> None:
    setup()
    sh(str(BIN / "zwfw"), "generate", "--out", "raw", "--snapshot", SAMPLE_SNAPSHOT)
    sh(
        str(BIN / "zwfw"),
        "run",
        "--raw-dir",
        "raw",
        "--snapshot",
        SAMPLE_SNAPSHOT,
        "--warehouse",
        "warehouse/zwfw.duckdb",
    )
    report = Path(os.environ.get("ZWFW_REPORT_DIR") or ROOT / "warehouse" / "report") / SAMPLE_SNAPSHOT
    print(
        f"\nThe bulletin (open the HTML in a browser; it prints to A4):\n"
        f"  {report / 'bulletin.html'}\n  {report / 'bulletin.xlsx'}"
    )


# The inner loop's tier: the Python unit tests, the dbt unit tests and one end-to-end weekly run
# (tests marked `quick`), in a few minutes; no browser, no Spark, no fault suite.
QUICK = ("-m", "quick or not (e2e or faults or spark or lint)")
# Two test processes (pytest-xdist), a file to each at a time: the tests wait on subprocesses
# (dbt, the JVM, Chromium) much of the time, and each session's worlds are still built once
# (tests/warehouse_helpers.built_once). `dev.py test -n 0` runs them in one process.
PARALLEL = ("-n", "2", "--dist", "loadfile", "--no-loadscope-reorder")


def test(extra: list[str]) -> None:
    if "--quick" in extra:
        setup("test")
        sh(str(BIN / "python"), "-m", "pytest", *PARALLEL, *QUICK, *[a for a in extra if a != "--quick"])
        return
    provision_system_deps()  # first: a missing browser is said in seconds, not after the tests
    setup("test,spark")
    sh(str(BIN / "python"), "-m", "pytest", *PARALLEL, *extra)


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

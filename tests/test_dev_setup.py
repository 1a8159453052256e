"""`dev.py test` provisions system packages first, and stops at once, saying what to do, when it can't."""

from __future__ import annotations

import importlib.util
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _dev():
    spec = importlib.util.spec_from_file_location("dev_script", REPO / "dev.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_ci_calls_the_readme_test_command_and_no_apt_of_its_own():
    ci = (REPO / ".ci" / "run").read_text()
    assert "python3 dev.py test" in ci
    assert "apt-get" not in ci  # one list of system packages: dev.py SYSTEM_DEPS


def test_missing_package_without_apt_stops_in_seconds_with_the_command(monkeypatch):
    dev = _dev()
    monkeypatch.delenv(dev.SKIP_BROWSER_ENV, raising=False)
    monkeypatch.setattr(dev, "SYSTEM_DEPS", (("zwfw-no-such-package", lambda: False, "a test that needs it", True),))
    monkeypatch.setattr(dev.shutil, "which", lambda name: None)  # no apt-get, no sudo
    started = time.monotonic()
    with pytest.raises(SystemExit) as exc:
        dev.provision_system_deps()
    assert time.monotonic() - started < 5
    message = str(exc.value)
    assert "missing system package zwfw-no-such-package, needed by a test that needs it" in message
    assert "apt-get install --no-install-recommends zwfw-no-such-package" in message
    assert "ZWFW_SKIP_BROWSER=1" in message


def test_present_packages_and_explicit_skip_pass(monkeypatch):
    dev = _dev()
    monkeypatch.delenv(dev.SKIP_BROWSER_ENV, raising=False)
    monkeypatch.setattr(dev, "SYSTEM_DEPS", (("present", lambda: True, "x", False),))
    dev.provision_system_deps()
    monkeypatch.setattr(dev, "SYSTEM_DEPS", (("absent", lambda: False, "x", True),))
    monkeypatch.setenv(dev.SKIP_BROWSER_ENV, "1")
    dev.provision_system_deps()


def test_skipping_the_browser_does_not_waive_java(monkeypatch):
    """ZWFW_SKIP_BROWSER=1 waives Chromium and its fonts only: the Spark suite still needs its JRE."""
    dev = _dev()
    monkeypatch.setenv(dev.SKIP_BROWSER_ENV, "1")
    monkeypatch.setattr(
        dev,
        "SYSTEM_DEPS",
        (("chromium", lambda: False, "browser", True), ("openjdk-17-jre-headless", lambda: False, "spark", False)),
    )
    assert dev.missing_system_deps() == [("openjdk-17-jre-headless", "spark")]
    monkeypatch.setattr(dev.shutil, "which", lambda name: None)
    with pytest.raises(SystemExit) as exc:
        dev.provision_system_deps()
    assert "openjdk-17-jre-headless" in str(exc.value) and "ZWFW_SKIP_BROWSER" not in str(exc.value)


def test_java_is_17_or_newer_here():
    """The JRE the Spark session needs (dbt-spark `method: session`, pyspark 4.3: Java 17+)."""
    assert _dev()._java_major() >= 17


def test_this_machine_has_what_the_tests_need():
    """The suite itself runs after provisioning, so here nothing may be missing (or skipped on request)."""
    dev = _dev()

    assert dev.missing_system_deps() == []  # ZWFW_SKIP_BROWSER=1 leaves the browser packages out

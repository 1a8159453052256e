"""The key that pseudonymises personal data must be a secret: `zwfw run` refuses to load
submissions without one, or with the published development key, unless told the data are the
sample's (ZWFW_DEVELOPMENT_KEY=1, which the demo and these tests set)."""

from __future__ import annotations

import os
import subprocess

import pytest
from warehouse_helpers import zwfw_run

from dagster_project import config
from zwfw_contract.sources import SOURCES


def test_a_secret_key_is_used_as_given(monkeypatch):
    monkeypatch.delenv(config.DEVELOPMENT_KEY_ENV, raising=False)
    monkeypatch.setenv(config.PII_KEY_ENV, "a long and secret key")
    assert config.pii_key() == "a long and secret key"


@pytest.mark.parametrize(
    "key, problem",
    [
        (None, "is not set"),
        (config.DEV_PII_KEY, "is the published development key"),
        ("short", "shorter than 16 characters"),
    ],
)
def test_no_secret_no_load(monkeypatch, key, problem):
    monkeypatch.delenv(config.DEVELOPMENT_KEY_ENV, raising=False)
    if key is None:
        monkeypatch.delenv(config.PII_KEY_ENV, raising=False)
    else:
        monkeypatch.setenv(config.PII_KEY_ENV, key)
    with pytest.raises(config.SecretError, match=problem):
        config.pii_key()


def test_the_development_key_only_when_asked_for(monkeypatch):
    monkeypatch.setenv(config.DEVELOPMENT_KEY_ENV, "1")
    monkeypatch.delenv(config.PII_KEY_ENV, raising=False)
    assert config.pii_key() == config.DEV_PII_KEY
    monkeypatch.setenv(config.PII_KEY_ENV, "a long and secret key")  # a real key still wins
    assert config.pii_key() == "a long and secret key"


@pytest.mark.parametrize("key, says", [(None, "refusing to load submissions"), (config.DEV_PII_KEY, "reversible")])
def test_zwfw_run_refuses_before_loading_anything(tmp_path, key, says):
    day = tmp_path / "raw" / "2020-12-25"
    day.mkdir(parents=True)
    for source in SOURCES:
        (day / f"{source.name}.csv").write_text("")
    env = {k: v for k, v in os.environ.items() if k not in (config.PII_KEY_ENV, config.DEVELOPMENT_KEY_ENV)}
    if key:
        env[config.PII_KEY_ENV] = key
    warehouse = tmp_path / "wh" / "zwfw.duckdb"
    run = subprocess.run(
        zwfw_run(warehouse, tmp_path / "raw", "2020-12-25"),
        capture_output=True,
        text=True,
        env=env,
    )
    assert run.returncode == 2
    assert run.stderr.startswith("zwfw run: ZWFW_PII_KEY") and says in run.stderr
    assert not warehouse.parent.exists()

"""Which engine and which dbt output a build runs on, as the environment says (docs/SPARK.md)."""

import pytest

from dagster_project import config, engine


@pytest.mark.parametrize("target, remote, output", [
    (None, None, "duckdb"), ("duckdb", "sc://h:15002", "duckdb"), ("spark", None, "spark"),
    ("spark", "sc://h:15002", "spark_connect"), (" spark ", "", "spark"),
])
def test_the_dbt_output_follows_the_engine_and_spark_remote(monkeypatch, target, remote, output):
    for name, value in ((config.DBT_TARGET_ENV, target), (config.SPARK_REMOTE_ENV, remote)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    assert config.dbt_target() == output
    assert config.engine_of(output) == ("spark" if "spark" in output else "duckdb")


def test_an_unknown_engine_is_refused_by_name(monkeypatch):
    monkeypatch.setenv(config.DBT_TARGET_ENV, "snowflake")
    with pytest.raises(config.EngineError, match="snowflake.*duckdb, spark"):
        config.dbt_target()


def test_the_summary_line_names_engine_version_and_where(monkeypatch):
    import duckdb

    monkeypatch.delenv(config.SPARK_REMOTE_ENV, raising=False)
    monkeypatch.delenv("ZWFW_SPARK_MASTER", raising=False)
    assert engine.describe("duckdb") == f"duckdb {duckdb.__version__}"
    assert engine.describe("spark").endswith("(session, local[2])")
    monkeypatch.setenv(config.SPARK_REMOTE_ENV, "sc://spark.example:15002")
    assert engine.describe("spark").endswith("(connect, sc://spark.example:15002)")


def test_a_local_session_without_java_is_said_in_one_sentence(monkeypatch, tmp_path):
    monkeypatch.delenv(config.SPARK_REMOTE_ENV, raising=False)
    monkeypatch.setenv("JAVA_HOME", str(tmp_path / "no-jre"))
    found = engine.problems("spark")
    assert any("Java 17" in p and "openjdk-17-jre-headless" in p for p in found), found
    assert engine.problems("duckdb") == []
    monkeypatch.setenv(config.SPARK_REMOTE_ENV, "sc://spark.example:15002")  # a server brings its own JVM
    assert not any("Java" in p for p in engine.problems("spark"))

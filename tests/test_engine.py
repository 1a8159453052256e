"""Which engine and which dbt output a build runs on, as the settings say (docs/SPARK.md)."""

import pytest

from dagster_project import config, engine


def _settings(**env: str) -> config.Settings:
    return config.Settings.from_environ({k: v for k, v in env.items() if v is not None})


@pytest.mark.parametrize(
    "target, remote, output",
    [
        (None, None, "duckdb"),
        ("duckdb", "sc://h:15002", "duckdb"),
        ("spark", None, "spark"),
        ("spark", "sc://h:15002", "spark_connect"),
        (" spark ", "", "spark"),
    ],
)
def test_the_dbt_output_follows_the_engine_and_spark_remote(target, remote, output):
    settings = _settings(ZWFW_DBT_TARGET=target, SPARK_REMOTE=remote)
    assert settings.dbt_target == output
    assert config.engine_of(output) == ("spark" if "spark" in output else "duckdb")


def test_the_command_line_engine_wins_over_the_environment():
    settings = config.Settings.from_environ({config.DBT_TARGET_ENV: "duckdb"}, engine="spark")
    assert settings.engine == "spark" and settings.dbt_target == "spark"


def test_an_unknown_engine_is_refused_by_name():
    with pytest.raises(config.EngineError, match="snowflake.*duckdb, spark"):
        _settings(ZWFW_DBT_TARGET="snowflake")


def test_the_summary_line_names_engine_version_and_where():
    import duckdb

    assert engine.describe(_settings()) == f"duckdb {duckdb.__version__}"
    assert engine.describe(_settings(ZWFW_DBT_TARGET="spark")).endswith("(session, local[2])")
    assert engine.describe(_settings(ZWFW_DBT_TARGET="spark", ZWFW_SPARK_MASTER="local[1]")).endswith(
        "(session, local[1])"
    )
    remote = _settings(ZWFW_DBT_TARGET="spark", SPARK_REMOTE="sc://spark.example:15002")
    assert engine.describe(remote).endswith("(connect, sc://spark.example:15002)")


def test_a_local_session_without_java_is_said_in_one_sentence(monkeypatch, tmp_path):
    monkeypatch.setenv("JAVA_HOME", str(tmp_path / "no-jre"))
    found = engine.problems(_settings(ZWFW_DBT_TARGET="spark"))
    assert any("Java 17" in p and "openjdk-17-jre-headless" in p for p in found), found
    assert engine.problems(_settings()) == []
    # a server brings its own JVM
    assert not any(
        "Java" in p
        for p in engine.problems(_settings(ZWFW_DBT_TARGET="spark", SPARK_REMOTE="sc://spark.example:15002"))
    )

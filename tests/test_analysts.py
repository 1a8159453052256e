"""What analysts get in the published warehouse: every table and column described where they
query (DuckDB comments), the metrics findable by the words the bulletin prints, and the history."""

from __future__ import annotations

import duckdb
import pytest

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def published(weekly_warehouse):
    con = duckdb.connect(str(weekly_warehouse["warehouse"]), read_only=True)
    yield con
    con.close()


def test_every_published_table_and_column_has_a_comment(published):
    objects = published.execute(
        "select schema_name, table_name, comment from duckdb_tables() where schema_name in ('marts', 'raw') "
        "union all select schema_name, view_name, comment from duckdb_views() "
        "where not internal and schema_name in ('marts', 'raw')"
    ).fetchall()
    assert len(objects) > 40  # every mart, raw.rejects, raw.load_files and the raw views
    assert [f"{s}.{t}" for s, t, c in objects if not (c or "").strip()] == []
    columns = published.execute(
        "select schema_name || '.' || table_name || '.' || column_name, comment from duckdb_columns() "
        "where schema_name in ('marts', 'raw')"
    ).fetchall()
    assert [name for name, comment in columns if not (comment or "").strip()] == []
    comments = dict(columns)
    assert "主动评价覆盖事项率" in comments["marts.fct_t14_evaluations.item_coverage"]
    assert "TOTAL" in comments["marts.fct_metrics.unit_code"]
    assert comments["raw.rejects.reason"]


def test_every_mart_has_the_snapshot_first(published):
    """Analysts filter on it first; and a build on Spark, which writes the partition column last,
    is put back in the model's order by moving it to the front (dbt/macros/import_marts.sql)."""
    firsts = published.execute(
        "select table_name, list(column_name order by column_index)[1] from duckdb_columns() "
        "where schema_name = 'marts' group by table_name order by table_name"
    ).fetchall()
    assert len(firsts) > 20
    assert [t for t, first in firsts if first != "snapshot_date"] == []


def test_a_metric_is_found_by_the_words_the_bulletin_prints(published):
    rows = published.execute(
        "select metric_code, table_no, table_title, unit_of_measure, prints_as, formula, numerator, denominator "
        "from marts.dim_metrics where snapshot_date = (select max(snapshot_date) from marts.dim_metrics) "
        "and metric_name = '主动评价覆盖事项率' order by table_no"
    ).fetchall()
    assert [r[0] for r in rows] == ["t14_item_coverage", "t15_item_coverage"]
    code, table_no, title, unit, prints_as, formula, numerator, denominator = rows[1]
    assert table_no == 15 and "好差评" in title and unit == "%" and "两位小数" in prints_as
    assert formula and numerator and denominator


def test_history_compares_each_figure_with_the_previous_snapshot(published):
    """The weekly fixture publishes 2020-12-18 then 2020-12-25: the second's changes are the
    difference of the two published values, unit by unit, and ranks run 1..units_ranked."""
    wrong = published.execute("""
        select h.metric_code, h.scope, h.unit_code
        from marts.fct_metric_history as h
        left join marts.fct_metrics as before
            on before.snapshot_date = date '2020-12-18' and before.metric_code = h.metric_code
            and before.scope = h.scope and before.unit_code = h.unit_code
        where h.snapshot_date = date '2020-12-25'
          and (h.previous_value is distinct from before.value
               or h.change_previous is distinct from h.value - before.value
               or (before.value is not null and h.previous_snapshot_date <> date '2020-12-18'))
    """).fetchall()
    assert wrong == []
    counts = published.execute("""
        select count(*), count(change_previous), count(fourth_before_value)
        from marts.fct_metric_history where snapshot_date = date '2020-12-25'
    """).fetchall()[0]
    assert (
        counts[0]
        == published.execute(
            "select count(*) from marts.fct_metrics where snapshot_date = date '2020-12-25'"
        ).fetchall()[0][0]
    )
    assert counts[1] > 0 and counts[2] == 0  # two snapshots: nothing four back yet
    bad_ranks = published.execute("""
        select metric_code, scope from marts.fct_metric_history
        where snapshot_date = date '2020-12-25' and rank_in_scope is not null
        group by metric_code, scope
        having min(rank_in_scope) <> 1 or max(rank_in_scope) > max(units_ranked)
            or count(*) <> max(units_ranked)
    """).fetchall()
    assert bad_ranks == []


def test_the_history_mart_feeds_the_bulletins_sparklines(weekly_warehouse, published):
    """Each sparkline under 统一受理事项覆盖度 in table 8 lists the unit's two published snapshots
    exactly as fct_metric_history holds them."""
    import re

    html = (weekly_warehouse["warehouse"].parent / "report" / "2020-12-25" / "bulletin.html").read_text()
    history = {
        (unit, str(day)): value
        for unit, day, value in published.execute(
            "select unit_code, snapshot_date, value from marts.fct_metric_history "
            "where metric_code = 't08_ua_coverage' and scope = 'city_level'"
        ).fetchall()
    }
    start = html.index('<section class="bulletin-table" id="t08"')
    table8 = html[start : html.index('<table class="data" data-scope="direct_county"', start)]  # its first part
    checked = 0
    for unit, spark in re.findall(r'<tr data-unit="(\w+)">.*?<svg class="spark".*?<title>(.*?)</title>', table8, re.S):
        expected = "；".join(f"12月{d}日 {history[(unit, f'2020-12-{d}')] * 100:.2f}%" for d in (18, 25))
        assert spark == expected, unit
        checked += 1
    assert checked >= 17  # every city of the first part (and 合计)

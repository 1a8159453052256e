"""The words of every metric (dbt seeds metric_glossary, bulletin_tables → marts.dim_metrics) agree
with what the bulletin prints (report/layout.py): the same tables, titles, codes and names."""

import csv
from pathlib import Path

from dagster_project.report.layout import TABLES, TEXT

SEEDS = Path(__file__).resolve().parents[2] / "dbt" / "seeds"


def _rows(name: str) -> list[dict]:
    with open(SEEDS / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_the_layout_prints_the_glossarys_table_titles():
    """The titles are the seed's (bulletin_tables.csv, read by the layout): one per table."""
    assert {int(r["table_no"]): r["table_title"] for r in _rows("bulletin_tables.csv")} == {
        t.no: t.title for t in TABLES
    }
    assert len({t.title for t in TABLES}) == 18


def test_the_layout_prints_the_glossarys_table_notes():
    """The notes are the seed's too (bulletin_tables.table_notes, one per line), and each fills
    with the two values the report gives (the year, table 18's target) and no other."""
    seeded = {
        int(r["table_no"]): tuple(n for n in r["table_notes"].split("\n") if n) for r in _rows("bulletin_tables.csv")
    }
    assert seeded == {t.no: t.notes for t in TABLES}
    assert sum(map(len, seeded.values())) > 30 and all(seeded[no] for no in (1, 8, 11, 18))
    for note in (n for notes in seeded.values() for n in notes):
        filled = note.format(year="2020", target_each="（10项）")
        assert "{" not in filled and filled.endswith(("；", "。")), note


def test_every_printed_figure_column_has_its_code_and_printed_name():
    glossary = {r["metric_code"]: r for r in _rows("metric_glossary.csv")}
    for table in TABLES:
        for column in table.columns:
            if column.kind == TEXT:
                continue  # statuses and lists: their codes are t05_status, t12_open_systems, …
            field = column.field.removeprefix("level_").removeprefix("counties_")  # table 2 prints two scopes
            code = f"{table.key}_{field}"
            assert code in glossary, f"{code} (表{table.no} {column.heading}) is not in metric_glossary.csv"
            row = glossary[code]
            assert int(row["table_no"]) == table.no
            assert row["value_kind"] == column.kind, code
            assert (column.group or "") + column.heading.removeprefix("市本级").removeprefix("所辖县（市、区）") == row[
                "metric_name"
            ], code


def test_every_glossary_row_is_complete_and_names_its_table():
    for row in _rows("metric_glossary.csv"):
        assert row["metric_code"].startswith(f"t{int(row['table_no']):02d}_"), row["metric_code"]
        assert row["metric_name"] and row["formula"], row["metric_code"]
        if row["value_kind"] in ("percent", "percent_floor", "per_head"):
            assert row["numerator"] and row["denominator"], row["metric_code"]

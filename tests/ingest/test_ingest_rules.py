"""Row rules of CONTRACT §2–3: every rejected row lands in raw.rejects with line and reason."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from ingest_helpers import CASES_HEADER, SNAPSHOT, assert_counts_add_up, case_row

from dagster_project.ingest import validate
from dagster_project.ingest.errors import IngestError
from zwfw_contract.sources import SOURCES

ITEMS_HEADER = [
    "item_code",
    "item_name",
    "dept_id",
    "item_type",
    "published",
    "handling_type",
    "zero_visit",
    "legal_limit_days",
    "promised_limit_days",
    "result_spec",
    "unified_acceptance",
]


def item(code: str, **overrides: str) -> list[str]:
    row = dict(
        item_code=code,
        item_name="采矿权登记",
        dept_id="D1",
        item_type="行政许可",
        published="是",
        handling_type="承诺件",
        zero_visit="1",
        legal_limit_days="20",
        promised_limit_days="5",
        result_spec="许可证",
        unified_acceptance="0",
    )
    row.update(overrides)
    return [row[c] for c in ITEMS_HEADER]


def load_items(d, rows):
    d.csv("service_items.csv", ITEMS_HEADER, rows)
    result = d.ingest("service_items")
    assert_counts_add_up(result)
    return result


def reasons(d, source):
    return [(line, col, reason) for _, line, col, reason in d.rejects(source)]


def test_every_registry_extra_rule_is_implemented():
    for source in SOURCES:
        validate.extra_rules(source)  # raises NotImplementedError for an unknown rule text
    assert {r for s in SOURCES for r in s.extra_rules} == set(validate.EXTRA_RULES)


def test_column_rules_in_column_order(with_departments):
    d = with_departments
    load_items(
        d,
        [
            item("I1"),
            item("I2", published="maybe"),
            item("I3", item_type="行政许可证"),
            item("I4", legal_limit_days="1.5"),
            item("I5", promised_limit_days="-1"),
            item("I6", item_name="  "),
            item("I7", handling_type="fax", published="maybe"),  # the first failing column is blamed
            item("I8", dept_id="D999"),
            item("", item_name=""),
        ],
    )
    assert reasons(d, "service_items") == [
        (3, "published", "bad boolean 'maybe' in column published"),
        (4, "item_type", "unknown value '行政许可证' for item_type"),
        (5, "legal_limit_days", "bad integer '1.5' in column legal_limit_days"),
        (6, "promised_limit_days", "promised_limit_days -1 < minimum 0"),
        (7, "item_name", "required value missing"),
        (8, "published", "bad boolean 'maybe' in column published"),
        (9, "dept_id", "unknown department 'D999'"),
        (10, "item_code", "required value missing"),
    ]
    assert d.query("SELECT item_code FROM raw.service_items") == [("I1",)]


def test_promised_greater_than_legal_is_rejected(with_departments):
    d = with_departments
    load_items(
        d,
        [
            item("I1", legal_limit_days="20", promised_limit_days="30"),
            item("I2", legal_limit_days="", promised_limit_days="30"),
            item("I3", legal_limit_days="20", promised_limit_days="20"),
        ],
    )
    assert reasons(d, "service_items") == [(2, "promised_limit_days", "promised_limit_days 30 > legal_limit_days 20")]
    assert d.query("SELECT item_code FROM raw.service_items ORDER BY 1") == [("I2",), ("I3",)]


def test_duplicate_key_in_reference_delivery_rejects_later_rows(with_departments):
    d = with_departments
    load_items(
        d,
        [item("I1"), item("I2"), item("I2", item_name="again"), item(" I1 "), item("I3", published="bad"), item("I3")],
    )
    assert reasons(d, "service_items") == [
        (4, "item_code", "duplicate key in delivery (first at line 3)"),
        (5, "item_code", "duplicate key in delivery (first at line 2)"),
        (6, "published", "bad boolean 'bad' in column published"),
    ]
    # The first valid occurrence is the one kept.
    assert d.query("SELECT item_code, item_name, _line FROM raw.service_items ORDER BY 1") == [
        ("I1", "采矿权登记", 2),
        ("I2", "采矿权登记", 3),
        ("I3", "采矿权登记", 7),
    ]


def test_composite_key_duplicates(delivery):
    delivery.csv(
        "population.csv",
        ["region_code", "year", "resident_population"],
        [
            ["410100", "2019", "10352000"],
            ["410100", "2020", "12600574"],
            ["410100", "2019.0", "1"],
            ["410200", "2019", "0"],
        ],
    )
    delivery.ingest("population")
    assert reasons(delivery, "population") == [
        (4, "region_code,year", "duplicate key in delivery (first at line 2)"),
        (5, "resident_population", "resident_population 0 < minimum 1"),
    ]


def test_unknown_department_and_departments_must_be_loaded_first(delivery):
    delivery.csv("cases.csv", CASES_HEADER, [case_row("C1")])
    with pytest.raises(IngestError, match="departments must be loaded first"):
        delivery.ingest("cases")
    assert not (delivery.lake / "cases").exists()  # nothing written
    delivery.departments()
    delivery.csv("cases.csv", CASES_HEADER, [case_row("C1"), case_row("C2", dept_id="D999")])
    delivery.ingest("cases")
    assert reasons(delivery, "cases") == [(3, "dept_id", "unknown department 'D999'")]


def test_departments_of_another_snapshot_do_not_count(delivery):
    delivery.departments(date=dt.date(2020, 12, 18))
    delivery.departments(rows=[["D1", "河南省自然资源厅", "410000", "", "否"]])
    delivery.csv("cases.csv", CASES_HEADER, [case_row("C1"), case_row("C2", dept_id="D2")])
    delivery.ingest("cases")
    assert reasons(delivery, "cases") == [(3, "dept_id", "unknown department 'D2'")]


def test_bad_dates_and_timestamps(with_departments):
    d = with_departments
    d.csv(
        "cases.csv",
        CASES_HEADER,
        [
            case_row("C1", accepted_at="2020年12月1日 9:05", completed_at="2020/12/2"),
            case_row("C2", accepted_at="2020-13-01 10:00"),
            case_row("C3", completed_at="12/02/2020"),
            case_row("C4", updated_at=""),
        ],
    )
    d.ingest("cases")
    assert reasons(d, "cases") == [
        (3, "accepted_at", "bad timestamp '2020-13-01 10:00' in column accepted_at"),
        (4, "completed_at", "bad timestamp '12/02/2020' in column completed_at"),
        (5, "updated_at", "required value missing"),
    ]
    assert d.query("SELECT accepted_at, completed_at FROM raw.cases") == [
        (dt.datetime(2020, 12, 1, 9, 5), dt.datetime(2020, 12, 2))
    ]


def test_evaluations_rectify_due_required_for_bad_active_rating(with_departments):
    d = with_departments
    header = ["eval_id", "item_code", "dept_id", "source", "rating", "evaluated_at", "rectify_due_at", "updated_at"]
    d.csv(
        "evaluations.csv",
        header,
        [
            ["E1", "I1", "D1", "active", "2", "2020-12-01 10:00", "2020-12-08", "2020-12-01"],
            ["E2", "I1", "D1", "active", "1", "2020-12-01 10:00", "", "2020-12-01"],
            ["E3", "I1", "D1", "default", "1", "2020-12-01 10:00", "", "2020-12-01"],
            ["E4", "I1", "D1", "active", "3", "2020-12-01 10:00", "", "2020-12-01"],
            ["E5", "I1", "D1", "active", "6", "2020-12-01 10:00", "", "2020-12-01"],
        ],
    )
    d.ingest("evaluations")
    assert reasons(d, "evaluations") == [
        (3, "rectify_due_at", "rectify_due_at required when source = active and rating <= 2 (rating 1)"),
        (6, "rating", "rating 6 > maximum 5"),
    ]


def test_license_types_issuer_required_for_province_level(delivery):
    delivery.csv(
        "license_types.csv",
        ["type_code", "type_name", "level", "issuer_dept_id"],
        [
            ["T1", "采矿许可证", "province", "D1"],
            ["T2", "营业执照", "city", ""],
            ["T3", "x", "province", ""],
        ],
    )
    delivery.ingest("license_types")
    assert reasons(delivery, "license_types") == [
        (4, "issuer_dept_id", "issuer_dept_id required when level = province")
    ]


def test_license_stats_counts_must_nest(with_departments):
    d = with_departments
    d.csv(
        "license_stats.csv",
        ["type_code", "issuer_dept_id", "issued_count", "sealed_count", "conformant_count"],
        [
            ["T1", "D1", "10", "5", "5"],
            ["T2", "D1", "10", "5", "6"],
            ["T3", "D1", "4", "5", "0"],
            ["T4", "D1", "10", "5", ""],
        ],
    )
    d.ingest("license_stats")
    assert reasons(d, "license_stats") == [
        (3, "conformant_count", "conformant_count 6 > sealed_count 5"),
        (4, "sealed_count", "sealed_count 5 > issued_count 4"),
        (5, "conformant_count", "required value missing"),
    ]


def test_event_versions_and_ties(with_departments):
    d = with_departments
    d.csv(
        "cases.csv",
        CASES_HEADER,
        [
            case_row("C1", updated_at="2020-12-01 09:00"),
            case_row("C1", updated_at="2020-12-02 09:00", completed_at="2020-12-02 09:00"),  # new version
            case_row("C2"),
            case_row("C2"),  # identical duplicate: both load, merging picks one
            case_row("C3"),
            case_row("C3", channel="window"),  # same updated_at, different values: rejected
            case_row("C3", applicant_name="李四"),  # differs only in personal data: still a tie
        ],
    )
    result = d.ingest("cases")
    assert (result.rows_loaded, result.rows_rejected) == (5, 2)
    assert reasons(d, "cases") == [
        (7, "updated_at", "version tie with different values (first at line 6)"),
        (8, "updated_at", "version tie with different values (first at line 6)"),
    ]


def test_older_version_in_a_later_delivery_is_stored_too(with_departments):
    d = with_departments
    first, second = dt.date(2020, 12, 18), SNAPSHOT
    d.departments(first)
    d.csv("cases.csv", CASES_HEADER, [case_row("C1", updated_at="2020-12-10 12:00")], date=first)
    d.csv("cases.csv", CASES_HEADER, [case_row("C1", updated_at="2020-12-05 12:00")], date=second)
    d.ingest("cases", first)
    d.ingest("cases", second)
    assert d.query("SELECT snapshot_date, updated_at FROM raw.cases ORDER BY snapshot_date") == [
        (first, dt.datetime(2020, 12, 10, 12, 0)),
        (second, dt.datetime(2020, 12, 5, 12, 0)),
    ]


def test_rejected_raw_values_are_the_row_as_read(with_departments):
    d = with_departments
    d.csv("cases.csv", CASES_HEADER, [case_row("C1", channel=" fax ")])
    d.ingest("cases")
    (raw,) = d.query("SELECT raw_values FROM raw.rejects")[0]
    values = json.loads(raw)
    assert list(values) == CASES_HEADER
    assert values["channel"] == " fax " and values["completed_at"] == ""

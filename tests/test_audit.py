"""`zwfw audit` on the real 2020-12-25 bulletin finds exactly its known arithmetic error."""

from pathlib import Path

from dagster_project.cli import main
from zwfw_contract.audit import SPECS, RatioSpec, TableSpec, audit_dir, audit_table, percent_text

BULLETIN = Path(__file__).parent / "fixtures" / "bulletin-2020-12-25"


def test_printed_bulletin_has_exactly_the_anyang_table_18_error():
    findings, audited, _ = audit_dir(BULLETIN)
    assert set(audited) == {f"{k}.csv" for k in SPECS}
    assert [(f.file, f.unit, f.printed, f.expected) for f in findings] == [("t18.csv", "安阳市", "28%", "36%")]
    assert "38/104" in findings[0].arithmetic


def test_precision_rules():
    assert percent_text(737, 800, truncate=False) == "92.13%"
    assert percent_text(154, 60, truncate=True) == "256%"
    assert percent_text(0, 0, truncate=False) == "-"


def test_wrong_total_and_wrong_ratio_are_reported(tmp_path):
    f = tmp_path / "t08a.csv"
    f.write_text(
        "序号,省辖市,总数,接入,覆盖度\n1,甲市,10,5,50.00%\n2,乙市,10,6,61.00%\n3,合计,20,12,55.00%\n", encoding="utf-8"
    )
    found = audit_table(f, TableSpec((RatioSpec(3, 2, 4),), (2, 3)))
    assert {(x.unit, x.column, x.expected) for x in found} == {
        ("乙市", "覆盖度", "60.00%"),
        ("合计", "接入", "11"),
        ("合计", "覆盖度", "60.00%"),
    }


def test_cli_exit_code_and_report(capsys):
    assert main(["audit", str(BULLETIN)]) == 1
    out = capsys.readouterr().out
    assert "安阳市" in out and "1 inconsistency" in out

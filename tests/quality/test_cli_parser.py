from dagster_project.cli import build_parser


def test_check_subcommand_parses():
    a = build_parser().parse_args(["check", "--warehouse", "x.duckdb", "--snapshot", "2020-12-25", "--docs", "d"])
    assert a.command == "check" and str(a.snapshot) == "2020-12-25" and a.docs == "d"

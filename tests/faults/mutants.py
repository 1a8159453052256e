"""Does each fault test fail on a deliberately broken build? One mutant per test: a copy of the
project with one protection broken, on which that test alone is run and must fail.

    .venv/bin/python tests/faults/mutants.py [--only TEXT] [--list]

Not part of the suite: every mutant is its own copy and pytest session (the whole-build ones
generate the small world again), so all of them take about an hour on 2 cores. Each edit must
match the code exactly once, so a mutant that no longer applies says so instead of passing.
The last line is `mutants: N tried, N caught` (caught: the test failed on the broken copy).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FAULTS = "tests/faults/"


@dataclass(frozen=True)
class Mutant:
    test: str  # pytest node id under tests/faults/
    broken: str  # what the mutant breaks, in words
    edits: tuple[tuple[str, str, str], ...]  # (file, exact text, replacement)


def _m(test: str, broken: str, *edits: tuple[str, str, str]) -> Mutant:
    return Mutant(FAULTS + test, broken, edits)


ENCODING, FILES, READER, LOAD = (
    "dagster_project/ingest/" + f for f in ("encoding.py", "files.py", "reader.py", "load.py")
)
VALIDATE, LAKE, PUBLISH = "dagster_project/ingest/validate.py", "dagster_project/lake.py", "dagster_project/publish.py"
H = "test_hostile_files.py::"
# The whole build in the published file: dbt's target is the warehouse itself (config.build_path,
# which dbt's ZWFW_DBT_BUILD comes from; the small world's
# backfill too, so the clean runs the kill tests need still work); publication only exports the marts.
IN_PLACE = (
    ("dagster_project/config.py", '    return _beside(warehouse, ".build")', "    return Path(warehouse).resolve()"),
    (PUBLISH, "    for stale in (build, _wal(build)):", "    for stale in ():"),
    (
        PUBLISH,
        "    nxt = assemble(published, lake, marts, _raw_views(build), _comments(build))\n",
        "    return Published(published, len(marts), 1, published.stat().st_size)\n",
    ),
)

MUTANTS = [
    _m(
        H + "test_zero_byte_file",
        "an empty file is skipped, not listed in raw.load_files",
        (
            FILES,
            "def _is_data_file(p: Path) -> bool:\n",
            "def _is_data_file(p: Path) -> bool:\n"
            "    if p.is_file() and p.stat().st_size == 0:\n        return False\n",
        ),
    ),
    _m(
        H + "test_header_only_file",
        "a file without data rows is left out of raw.load_files",
        (
            LOAD,
            "            read, rejected = counts.get(fno, (0, 0))\n",
            "            read, rejected = counts.get(fno, (0, 0))\n"
            "            if not read:\n                continue\n",
        ),
        (
            LOAD,
            '        con.executemany(\n            "INSERT INTO load_counts VALUES (?, ?, ?, ?, ?, ?, ?, ?)",',
            "        (lambda sql, rows: rows and con.executemany(sql, rows))(\n"
            '            "INSERT INTO load_counts VALUES (?, ?, ?, ?, ?, ?, ?, ?)",',
        ),
    ),
    _m(
        H + "test_a_reference_source_delivering_no_rows",
        "an empty reference delivery is loaded (emptying it)",
        (LOAD, 'if source.kind == "reference" and not counts:', "if False:"),
    ),
    _m(
        H + "test_truncated_parquet",
        "an unreadable Parquet file counts as no rows",
        (
            READER,
            "            _read_parquet(con, d, protection, out, result, fno_column)",
            "            try:\n                _read_parquet(con, d, protection, out, result, fno_column)\n"
            "            except Exception:\n                return result",
        ),
    ),
    _m(
        H + "test_xlsx_with_formulas",
        "an XLSX row with an empty (formula) cell is dropped",
        (
            READER,
            "        row = rows[i]\n        lines.append(i + 1)",
            "        row = rows[i]\n        if any(_cell_text(v) in (None, '') for v in row[:width]):\n"
            "            continue\n        lines.append(i + 1)",
        ),
    ),
    _m(
        H + "test_csv_with_a_nul_byte",
        "control characters are not checked",
        (
            VALIDATE,
            '            f"WHEN regexp_matches({n}, {sql_str(CONTROL_CHARS_RE)}) "',
            '            f"WHEN false AND regexp_matches({n}, {sql_str(CONTROL_CHARS_RE)}) "',
        ),
    ),
    _m(
        H + "test_csv_with_a_10_mb_field",
        "the length of text values is not checked",
        (
            VALIDATE,
            '            f"WHEN length({n}) > {MAX_TEXT_CHARS} THEN',
            '            f"WHEN false THEN',
        ),
    ),
    _m(
        H + "test_csv_with_mixed_line_endings",
        "line endings normalised by dropping every CR",
        (
            READER,
            "    reader = pacsv.open_csv(\n        d.path,",
            "    reader = pacsv.open_csv(\n"
            "        __import__('io').BytesIO(open(d.path, 'rb').read().replace(b'\\r', b'')),",
        ),
    ),
    _m(
        H + "test_utf16_and_big5[utf-16-UTF-16]",
        "the UTF-16 byte order mark is not looked for",
        (ENCODING, "    if head.startswith(UTF16_BOMS):", "    if False:"),
    ),
    _m(
        H + "test_utf16_and_big5[big5-Big5]",
        "Big5 is not told from GB18030",
        (ENCODING, "        if _looks_like_big5(path):", "        if False:"),
    ),
    _m(
        H + "test_gb18030_broken_at_a_buffer_boundary",
        "undecodable bytes replaced instead of refused",
        (
            ENCODING,
            "    gb_failure = _first_failure(path, GB18030)\n    if gb_failure is None:",
            "    gb_failure = _first_failure(path, GB18030)\n    if True:",
        ),
    ),
    _m(
        H + "test_a_file_that_changes_while_it_is_read",
        "a file is not re-checked after it was read",
        (READER, "        if _version(d.path) != before:", "        if False:"),
    ),
    _m(
        H + "test_a_symlink_out_of_the_landing_zone",
        "only names with `..` are refused, not links",
        (FILES, "        if not target.is_relative_to(zone):", "        if '..' in p.as_posix():"),
    ),
    _m(
        H + "test_a_name_with_dot_dot",
        "only absolute links are refused, not a relative one with `..`",
        (
            FILES,
            "        if not target.is_relative_to(zone):",
            "        if p.is_symlink() and p.readlink().is_absolute():",
        ),
    ),
    _m(
        H + "test_a_folder_of_10000_tiny_files",
        "a view of one header's files holds at most 1000 of them",
        (FILES, 'for i in members) + "]"', 'for i in members[:1000]) + "]"'),
    ),
    _m(
        H + "test_a_delivery_dated_after_its_snapshot",
        "versions after the snapshot are not rejected",
        (VALIDATE, 'f"WHERE _reason IS NULL AND {col} > TIMESTAMP {sql_str(snapshot_end)}"', 'f"WHERE false"'),
    ),
    _m(
        H + "test_updated_at_in_the_future",
        "a future updated_at is loaded",
        (
            VALIDATE,
            'f"WHERE _reason IS NULL AND {col} > TIMESTAMP {sql_str(snapshot_end)}"',
            "f\"WHERE _reason IS NULL AND {col} > TIMESTAMP '2100-01-01'\"",
        ),
    ),
    _m(
        H + "test_duplicate_ids_across_the_files_of_one_delivery[departments]",
        "a reference key repeated in another file is loaded twice",
        (VALIDATE, '        condition = "rn > 1"', '        condition = "false"'),
    ),
    _m(
        H + "test_duplicate_ids_across_the_files_of_one_delivery[cases]",
        "a version tie with different values is loaded twice",
        (VALIDATE, '        condition = "differs"', '        condition = "false"'),
    ),
    _m(
        "test_kills.py::test_a_run_killed_at_each_stage[ingest-mid-ingest: the cases file read, its lake partition "
        "half written]",
        "what a killed writer left in the lake is never swept",
        (LAKE, "    for left in sorted(parent.iterdir()) if parent.is_dir() else []:", "    for left in []:"),
    ),
    *[
        _m(
            f"test_kills.py::test_a_run_killed_at_each_stage[{stage}]",
            "dbt builds in the published file itself, as a plain dbt-duckdb project does (no scratch, no swap)",
            *IN_PLACE,
        )
        for stage in (
            "dbt-mid-dbt: a model half written into the scratch database",
            "checks-during the blocking checks",
        )
    ],
    _m(
        "test_kills.py::test_a_run_killed_at_each_stage[publish-during publication: <file>.next assembled, not yet "
        "renamed]",
        "the new warehouse is assembled in the published file itself",
        (
            PUBLISH,
            '    nxt = published.with_name(published.name + ".next")\n    for stale',
            "    nxt = published\n    for stale",
        ),
    ),
    _m(
        "test_kills.py::test_a_run_killed_at_each_stage[export-mid-export: 8 of the week's marts in the lake, the "
        "others not yet]",
        "the assembled file takes every snapshot in the marts' lake folders, marked published or not",
        (
            PUBLISH,
            'con.execute(f"create table marts.{_ident(table)} as {select} {only_published} order by snapshot_date")',
            'con.execute(f"create table marts.{_ident(table)} as {select} order by snapshot_date")',
        ),
    ),
    _m(
        "test_concurrency.py::test_four_readers_while_three_builds_publish",
        "publication copies the new file over the published one instead of renaming it",
        (PUBLISH, "    os.replace(nxt, published)", "    shutil.copyfile(nxt, published)\n    nxt.unlink()"),
        (PUBLISH, "import os\n", "import os\nimport shutil\n"),
    ),
    *[
        _m(
            f"test_concurrency.py::test_two_builds_started_at_once[{first}-{second}]",
            "no build lock",
            ("dagster_project/build_lock.py", "        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)", "        pass"),
        )
        for first, second in (("zwfw run", "zwfw run"), ("zwfw run", "a Dagster job"), ("a Dagster job", "zwfw run"))
    ],
    _m(
        "test_secrets_scan.py::test_no_key_and_no_personal_data_in_any_file_written",
        "personal values are written as they were delivered (the HMAC left out)",
        (
            "dagster_project/ingest/pii.py",
            '    return f"sha256(${OPAD_PARAM} || unhex(sha256(${IPAD_PARAM} || encode({value_sql}))))"',
            '    return f"(${OPAD_PARAM} is not null and ${IPAD_PARAM} is not null)::varchar || ({value_sql})"',
        ),
    ),
]


def _tracked_copy(dst: Path) -> None:
    """The working tree as git sees it (tracked and new, not ignored), plus dbt's parsed manifest."""
    names = (
        subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        .stdout.decode()
        .split("\0")
    )
    for name in filter(None, names):
        src = ROOT / name
        if src.is_file():
            (dst / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst / name)
    target = ROOT / "dbt" / "target"
    for name in ("manifest.json", "partial_parse.msgpack", "semantic_manifest.json"):
        if (target / name).exists():
            (dst / "dbt" / "target").mkdir(parents=True, exist_ok=True)
            shutil.copy2(target / name, dst / "dbt" / "target" / name)


def apply(mutant: Mutant, copy: Path) -> None:
    for file, old, new in mutant.edits:
        path = copy / file
        text = path.read_text()
        if text.count(old) != 1:
            raise SystemExit(
                f"mutant for {mutant.test} no longer applies: {file} holds {text.count(old)} copies of {old!r}"
            )
        path.write_text(text.replace(old, new))
        if file.endswith(".py"):  # the copied mtime is older than the parsed manifest: keep it so
            os.utime(path, None)


def run(mutant: Mutant, work: Path) -> tuple[bool, str, float]:
    """(caught, why, seconds): the test on the broken copy must fail, not error out of pytest."""
    copy = work / "project"
    _tracked_copy(copy)
    apply(mutant, copy)
    env = {**os.environ, "PYTHONPATH": str(copy), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "COLUMNS": "1000"}
    started = time.monotonic()
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "-q",
            "-x",
            "-rfE",
            "--basetemp",
            str(work / "pytest"),
            mutant.test,
        ],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=3600,
    )
    seconds = time.monotonic() - started
    out = proc.stdout + proc.stderr
    failed = [line for line in out.splitlines() if line.startswith(("FAILED ", "ERROR "))]
    if proc.returncode == 1 and failed:
        why = re.sub(r"^(FAILED|ERROR) .*?(\]|::\w+)( - |$)", "", failed[0]) or "failed"
        return True, why, seconds
    if proc.returncode == 0:
        return False, "the test passed on the broken build", seconds
    return False, f"pytest exited {proc.returncode}: {out.strip().splitlines()[-1] if out.strip() else ''}", seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", help="run the mutants whose test id contains this text")
    parser.add_argument("--list", action="store_true", help="list the mutants and exit")
    args = parser.parse_args()
    mutants = [m for m in MUTANTS if not args.only or args.only in m.test]
    if args.list:
        for m in mutants:
            print(f"{m.test.removeprefix(FAULTS)}\n    broken: {m.broken}")
        return
    caught = 0
    for m in mutants:
        with tempfile.TemporaryDirectory(prefix="zwfw-mutant-") as work:
            ok, why, seconds = run(m, Path(work))
        caught += ok
        print(
            f"{'caught' if ok else 'MISSED'}  {m.test.removeprefix(FAULTS)}  ({seconds:.0f} s)\n"
            f"    broken: {m.broken}\n    failed: {why[:200]}",
            flush=True,
        )
    print(f"mutants: {len(mutants)} tried, {caught} caught")
    sys.exit(0 if caught == len(mutants) else 1)


if __name__ == "__main__":
    main()

"""The contract's row rules as set-based DuckDB SQL over the in-memory staging tables.

Tables (in-memory connection):
- `rows_raw(_fno, _line, _xlsx, <registry columns as VARCHAR>)`: every data row as read
  (personal columns already pseudonymised);
- `checked(_fno, _line, <registry columns typed, PII hashed>, _col, _reason)`: `_reason` is
  NULL for a row that is loaded, else why it is rejected (`_col`: the first failing column).

Order of the rules, first failure wins: per column in registry order (required, type, enum,
range), then the source's extra rules, then the department check, then duplicates. Duplicates
are looked for among rows that pass everything else, so the row kept for a key is the first
valid one and "first at line N" always points at a loaded row.
"""

from __future__ import annotations

from collections.abc import Callable

from dagster_project.ingest.normalize import TYPE_WORDS, ident, normalized, parse, sql_str
from zwfw_contract.sources import Column, Source

MAX_VALUE_IN_REASON = 80
MAX_TEXT_CHARS = 4000  # no field of the contract is near it; a longer one is a broken file
CONTROL_CHARS_RE = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"  # NUL and the like; not tab or newline


def quoted(n_sql: str) -> str:
    """A value quoted for a reason text, shortened if long."""
    return (
        f"'''' || CASE WHEN length({n_sql}) > {MAX_VALUE_IN_REASON} "
        f"THEN left({n_sql}, {MAX_VALUE_IN_REASON}) || '…' ELSE {n_sql} END || ''''"
    )


def _n(c: Column) -> str:
    return ident(f"n__{c.name}")


def _v(c: Column) -> str:
    return ident(f"v__{c.name}")


def _e(c: Column) -> str:
    return ident(f"e__{c.name}")


def parsed_sql(source: Source) -> str:
    """rows_raw → normalised text n__c and typed value v__c per column."""
    norm = ", ".join(f"{normalized(ident(c.name), c)} AS {_n(c)}" for c in source.columns)
    typed = ", ".join(f"{parse(_n(c), c, '_xlsx')} AS {_v(c)}" for c in source.columns)
    return (
        f"SELECT _fno, _line, {', '.join(_n(c) for c in source.columns)}, {typed} "
        f"FROM (SELECT _fno, _line, _xlsx, {norm} FROM rows_raw)"
    )


def column_error_sql(c: Column) -> str:
    """Reason text of the column's first failing check, NULL if it passes."""
    n, v = _n(c), _v(c)
    shown = "" if c.pii else f" || ' ' || {quoted(n)}"  # never echo personal data
    whens = [f"WHEN {n} IS NULL THEN {sql_str('required value missing') if c.required else 'NULL'}"]
    if c.type == "text" and not c.pii:  # a personal value arrives as its hash: nothing to see
        whens.append(
            f"WHEN length({n}) > {MAX_TEXT_CHARS} THEN 'value of ' || length({n}) || "
            f"' characters in column {c.name} (at most {MAX_TEXT_CHARS})'"
        )
        whens.append(
            f"WHEN regexp_matches({n}, {sql_str(CONTROL_CHARS_RE)}) "
            f"THEN 'control character (such as NUL) in column {c.name}'"
        )
    if c.type != "text":
        whens.append(f"WHEN {v} IS NULL THEN 'bad {TYPE_WORDS[c.type]}'{shown} || ' in column {c.name}'")
    if c.enum:
        values = ", ".join(sql_str(e) for e in c.enum)
        whens.append(f"WHEN {n} NOT IN ({values}) THEN 'unknown value'{shown} || ' for {c.name}'")
    if c.min_value is not None:
        whens.append(f"WHEN {v} < {c.min_value} THEN '{c.name} ' || {v} || ' < minimum {c.min_value}'")
    if c.max_value is not None:
        whens.append(f"WHEN {v} > {c.max_value} THEN '{c.name} ' || {v} || ' > maximum {c.max_value}'")
    return "CASE " + " ".join(whens) + " END"


# An extra rule: (column blamed, violation condition, reason) over typed columns (by name).
Rule = tuple[str, str, str]


def _promised_le_legal(_: Source) -> list[Rule]:
    return [
        (
            "promised_limit_days",
            "promised_limit_days > legal_limit_days",
            "'promised_limit_days ' || promised_limit_days || ' > legal_limit_days ' || legal_limit_days",
        )
    ]


def _rectify_due_required(_: Source) -> list[Rule]:
    return [
        (
            "rectify_due_at",
            "\"source\" = 'active' AND rating <= 2 AND rectify_due_at IS NULL",
            "'rectify_due_at required when source = active and rating <= 2 (rating ' || rating || ')'",
        )
    ]


def _issuer_required(_: Source) -> list[Rule]:
    return [
        (
            "issuer_dept_id",
            "\"level\" = 'province' AND issuer_dept_id IS NULL",
            "'issuer_dept_id required when level = province'",
        )
    ]


def _license_counts(_: Source) -> list[Rule]:
    return [
        (
            "conformant_count",
            "conformant_count > sealed_count",
            "'conformant_count ' || conformant_count || ' > sealed_count ' || sealed_count",
        ),
        (
            "sealed_count",
            "sealed_count > issued_count",
            "'sealed_count ' || sealed_count || ' > issued_count ' || issued_count",
        ),
    ]


# Keyed by the exact text in sources.py; a test checks every registry rule is implemented.
EXTRA_RULES: dict[str, Callable[[Source], list[Rule]]] = {
    "promised_limit_days <= legal_limit_days": _promised_le_legal,
    "rectify_due_at required when source = active and rating <= 2": _rectify_due_required,
    "issuer_dept_id required when level = province": _issuer_required,
    "conformant_count <= sealed_count <= issued_count": _license_counts,
}


def extra_rules(source: Source) -> list[Rule]:
    rules: list[Rule] = []
    for text in source.extra_rules:
        if text not in EXTRA_RULES:
            raise NotImplementedError(f"{source.name}: extra rule {text!r} has no implementation")
        rules.extend(EXTRA_RULES[text](source))
    return rules


def checked_sql(source: Source) -> str:
    """parsed → checked: loaded values and the first reason to reject.

    Personal columns arrive pseudonymised (the readers' `Protection`): their checks need only
    NULL or not, and their value loads as it is.
    """
    errors = ", ".join(f"{column_error_sql(c)} AS {_e(c)}" for c in source.columns)
    values = ", ".join(f"{_v(c)} AS {ident(c.name)}" for c in source.columns)
    step1 = f"SELECT _fno, _line, {values}, {errors} FROM parsed"
    rules = extra_rules(source)
    col_cases = " ".join(f"WHEN {_e(c)} IS NOT NULL THEN {sql_str(c.name)}" for c in source.columns)
    reason_cases = " ".join(f"WHEN {_e(c)} IS NOT NULL THEN {_e(c)}" for c in source.columns)
    col_cases += "".join(f" WHEN {cond} THEN {sql_str(col)}" for col, cond, _ in rules)
    reason_cases += "".join(f" WHEN {cond} THEN {reason}" for _, cond, reason in rules)
    cols = ", ".join(ident(c.name) for c in source.columns)
    return (
        f"SELECT _fno, _line, {cols}, CASE {col_cases} END AS _col, CASE {reason_cases} END AS _reason FROM ({step1})"
    )


def dept_update_sql(source: Source) -> str:
    """Reject rows whose department is not in the snapshot's departments (table `depts`)."""
    col = ident(source.dept_column)
    return (
        f"UPDATE checked SET _col = {sql_str(source.dept_column)}, "
        f"_reason = 'unknown department ' || {quoted(col)} "
        f"WHERE _reason IS NULL AND {col} IS NOT NULL AND {col} NOT IN (SELECT dept_id FROM depts)"
    )


def version_update_sql(source: Source, snapshot_end: str) -> str:
    """Reject versions stamped after the snapshot (`snapshot_end`: its last second): a delivery
    for a snapshot cannot hold what happens later, and a future `updated_at` would win the as-of
    merge (CONTRACT §1) over every real version."""
    col = ident(source.version_column)
    return (
        f"UPDATE checked SET _col = {sql_str(source.version_column)}, "
        f"_reason = '{source.version_column} ' || strftime({col}, '%Y-%m-%d %H:%M:%S') || "
        f"' is after the snapshot ({snapshot_end[:10]})' "
        f"WHERE _reason IS NULL AND {col} > TIMESTAMP {sql_str(snapshot_end)}"
    )


def _first_at(alias: str) -> str:
    return (
        f"'(first at ' || CASE WHEN {alias}._first_fno = {alias}._fno THEN '' "
        f"ELSE {alias}._first_file || ' ' END || 'line ' || {alias}._first_line || ')'"
    )


def duplicate_partition(source: Source) -> str:
    """The columns whose equal values make rows candidates for the duplicate rule."""
    keys = ", ".join(ident(k) for k in source.key)
    return keys if source.kind == "reference" else f"{keys}, {ident(source.version_column)}"


def duplicate_update_sql(source: Source) -> str:
    """Reference source: a key occurring again in the delivery rejects the later rows.

    Event source: several versions of an id are fine; rows of one id with the same version
    but different values reject the later ones (identical duplicates both load).
    """
    partition = duplicate_partition(source)
    if source.kind == "reference":
        blamed = ",".join(source.key)
        condition = "rn > 1"
        reason = f"'duplicate key in delivery ' || {_first_at('d')}"
        extra_select = ""
    else:
        blamed = source.version_column
        row = ", ".join(ident(c.name) for c in source.columns)
        extra_select = f", row({row}) IS DISTINCT FROM first_value(row({row})) OVER w AS differs"
        condition = "differs"
        reason = f"'version tie with different values ' || {_first_at('d')}"
    return f"""
        UPDATE checked SET _col = {sql_str(blamed)}, _reason = {reason}
        FROM (
            SELECT x._fno, x._line, x._first_fno, x._first_line, f.file AS _first_file
            FROM (
                SELECT _fno, _line, row_number() OVER w AS rn,
                       first_value(_fno) OVER w AS _first_fno, first_value(_line) OVER w AS _first_line
                       {extra_select}
                FROM checked c SEMI JOIN (
                    SELECT {partition} FROM checked WHERE _reason IS NULL
                    GROUP BY ALL HAVING count(*) > 1
                ) k USING ({partition})
                WHERE c._reason IS NULL
                WINDOW w AS (PARTITION BY {partition} ORDER BY _fno, _line)
            ) x JOIN files f ON f._fno = x._first_fno
            WHERE {condition}
        ) d
        WHERE checked._fno = d._fno AND checked._line = d._line
    """

"""The bulletin as an XLSX workbook: a cover sheet with the letter, then one sheet per table.

Every cell is a typed value with a number format (0.9213 shown as 92.13%, 2.55 as 255% in
table 18), written with explicit `write_string`/`write_number`: text that looks like a formula
(a unit named `=...`) stays text and nothing from the input ever becomes a formula or a link.
Ratio columns are followed by their change against the previous snapshot (points; 件 per head).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import xlsxwriter

from dagster_project.report.layout import (
    COUNT,
    DELTA_UNITS,
    ISSUER,
    PER_HEAD,
    PERCENT,
    PERCENT_FLOOR,
    REPORT_HEADING,
    SERIES,
    TABLES_BY_NO,
    TEXT,
    TITLE,
    header_cells,
)
from dagster_project.report.model import Bulletin, Cell, Table
from dagster_project.report.workpoints import APPEAL, INTRO, appendix_titles, cn_date

NUMBER_FORMATS = {COUNT: "0", PERCENT: "0.00%", PERCENT_FLOOR: "0%", PER_HEAD: "0.000", TEXT: "@"}
CHANGE_FORMATS = {2: "+0.00;-0.00;0.00", 3: "+0.000;-0.000;0.000"}
CHANGE_GROUP = "较上期变化"
BELOW = {"bg_color": "#FBE1DF", "font_color": "#A1160E"}
TOTAL = {"bold": True, "bg_color": "#F3F3F3"}
FONT = "宋体"


def sheet_name(no: int) -> str:
    return f"表{no}" if no in TABLES_BY_NO else "数据质量"


def _width(text: str) -> float:
    """Excel column width units: a CJK character is about two."""
    return sum(2.1 if ord(ch) >= 0x2E80 else 1.1 for ch in text)


class _Formats:
    """One xlsxwriter format per distinct look, created on first use."""

    def __init__(self, book: xlsxwriter.Workbook):
        self.book = book
        self.cache: dict[tuple, object] = {}

    def get(self, **props) -> object:
        key = tuple(sorted(props.items()))
        if key not in self.cache:
            self.cache[key] = self.book.add_format({"font_name": FONT, "font_size": 10, **props})
        return self.cache[key]

    def cell(self, kind: str, total: bool = False, below: bool = False, figure: bool = True) -> object:
        props: dict = {"border": 1, "valign": "vcenter"}
        if kind == TEXT:
            props["align"] = "left"
        else:
            props["align"] = "right"
            if figure:
                props["num_format"] = NUMBER_FORMATS[kind]
        if total:
            props.update(TOTAL)
        if below:
            props.update(BELOW)
        return self.get(**props)


def _columns(table: Table, with_change: bool) -> list[tuple[str, str | None]]:
    cols: list[tuple[str, str | None]] = [(c.heading, c.group) for c in table.spec.columns]
    if with_change:
        cols += [
            (f"{c.group or ''}{c.heading}（{DELTA_UNITS[c.kind].column_unit}）", CHANGE_GROUP)
            for c in table.spec.ratio_columns
        ]
    return cols


def _write_value(ws, row: int, col: int, cell: Cell, fmt: _Formats, total: bool) -> None:
    below = cell.missed is not None
    if cell.number is None:
        ws.write_string(
            row,
            col,
            cell.text or ("-" if cell.column.kind != TEXT else ""),
            fmt.cell(cell.column.kind, total, below, figure=False),
        )
    else:
        ws.write_number(row, col, cell.number, fmt.cell(cell.column.kind, total, below))


def _write_change(ws, row: int, col: int, cell: Cell, fmt: _Formats, total: bool) -> None:
    delta = DELTA_UNITS[cell.column.kind]
    base = {"border": 1, "align": "right", "font_color": "#555555", **(TOTAL if total else {})}
    if cell.change is None:
        ws.write_string(row, col, "", fmt.get(**base))
    else:
        ws.write_number(row, col, delta.points(cell.change), fmt.get(**base, num_format=CHANGE_FORMATS[delta.decimals]))


def _table_sheet(book: xlsxwriter.Workbook, fmt: _Formats, bulletin: Bulletin, table: Table) -> None:
    ws = book.add_worksheet(sheet_name(table.spec.no))
    with_change = bulletin.previous is not None and bool(table.spec.ratio_columns)
    columns = _columns(table, with_change)
    last_col = 1 + len(columns)
    ws.merge_range(0, 0, 0, last_col, table.title, fmt.get(bold=True, font_size=14, align="center", font_name="黑体"))
    ws.merge_range(1, 0, 1, last_col, f"（{cn_date(bulletin.snapshot)}）", fmt.get(align="center"))
    header_fmt = fmt.get(bold=True, border=1, align="center", valign="vcenter", text_wrap=True, bg_color="#EEF1F5")
    widths = [5.0, 8.0] + [max(9.0, min(_width(h) / 2 + 2, 22.0)) for h, _ in columns]
    row = 2
    first_header: tuple[int, int] | None = None
    for block in table.blocks:
        cells = header_cells(block.part.unit_heading, columns)
        depth = max(c.row for c in cells) + 1
        for h in cells:
            r, c = row + h.row, h.col
            if h.rowspan > 1 or h.colspan > 1:
                ws.merge_range(r, c, r + h.rowspan - 1, c + h.colspan - 1, h.text, header_fmt)
            else:
                ws.write_string(r, c, h.text, header_fmt)
        for r in range(row, row + depth):
            ws.set_row(r, 30)
        if first_header is None:
            first_header = (row, row + depth - 1)
        row += depth
        for line in block.lines:
            ws.write_number(row, 0, line.order, fmt.cell(COUNT, line.is_total))
            ws.write_string(row, 1, line.unit_name, fmt.cell(TEXT, line.is_total))
            widths[1] = max(widths[1], _width(line.unit_name) + 1)
            for i, cell in enumerate(line.cells):
                _write_value(ws, row, 2 + i, cell, fmt, line.is_total)
                if cell.column.kind == TEXT:
                    widths[2 + i] = max(widths[2 + i], min(_width(cell.text) + 1, 60))
            if with_change:
                ratio_cells = [c for c in line.cells if c.column.kind in DELTA_UNITS]
                for k, cell in enumerate(ratio_cells):
                    _write_change(ws, row, 2 + len(line.cells) + k, cell, fmt, line.is_total)
            row += 1
    note_fmt = fmt.get(text_wrap=True, valign="top", font_size=9)
    lines = []
    targets = [c.target.label for c in table.spec.columns if c.target]
    if targets:
        lines.append("标红：" + "；".join(targets) + "。")
    if table.notes:
        lines.append(
            "注："
            + (
                "".join(table.notes)
                if len(table.notes) == 1
                else "".join(f"{i}.{n}" for i, n in enumerate(table.notes, start=1))
            )
        )
    if with_change:
        lines.append(f"较上期变化：与{cn_date(bulletin.previous)}相比，百分比为百分点，人均办件量为件。")  # type: ignore[arg-type]
    total_width = sum(widths)
    for text in lines:
        row += 1
        ws.merge_range(row, 0, row, last_col, text, note_fmt)
        ws.set_row(row, 13 * (1 + int(_width(text) / max(total_width, 1))))
    for i, w in enumerate(widths):
        ws.set_column(i, i, w)
    assert first_header is not None
    ws.freeze_panes(first_header[1] + 1, 2)
    ws.repeat_rows(first_header[0], first_header[1])
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.center_horizontally()
    ws.set_margins(left=0.5, right=0.5, top=0.7, bottom=0.7)


def _cover_sheet(book: xlsxwriter.Workbook, fmt: _Formats, bulletin: Bulletin) -> None:
    ws = book.add_worksheet("通报")
    ws.set_column(0, 0, 110)
    body = fmt.get(text_wrap=True, valign="top", font_size=11)
    rows: list[tuple[str, object]] = [
        (SERIES, fmt.get(bold=True, font_size=20, font_color="#C00000", align="center")),
        (TITLE, fmt.get(bold=True, font_size=14, align="center")),
        (f"{ISSUER}　　{cn_date(bulletin.issued)}", fmt.get(align="center")),
        (REPORT_HEADING, fmt.get(bold=True, font_size=13, align="center")),
        (f"（{cn_date(bulletin.snapshot)}）", fmt.get(align="center")),
        (INTRO.format(date=cn_date(bulletin.snapshot)), body),
        (APPEAL, body),
        *[(p, body) for p in bulletin.work_points],
        ("附表：" + "；".join(appendix_titles()) + "（各表见同名工作表）", body),
    ]
    if bulletin.previous:
        rows.append(
            (f"各表“较上期变化”列：与{cn_date(bulletin.previous)}相比的变化，百分比为百分点，人均办件量为件。", body)
        )
    for r, (text, style) in enumerate(rows):
        ws.write_string(r, 0, text, style)
        ws.set_row(r, 16 * (1 + int(_width(text) / 108)) + 4)
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)


def write_xlsx(bulletin: Bulletin, path: Path) -> Path:
    book = xlsxwriter.Workbook(
        str(path),
        {
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    created = dt.datetime.combine(bulletin.snapshot, dt.time())
    book.set_properties({"title": f"{TITLE}（{cn_date(bulletin.snapshot)}）", "author": ISSUER, "created": created})
    fmt = _Formats(book)
    _cover_sheet(book, fmt, bulletin)
    for table in (*bulletin.tables, *bulletin.appendix):
        _table_sheet(book, fmt, bulletin, table)
    book.close()
    return path

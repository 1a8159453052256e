"""File formats of a delivery, with the spelling variety real submissions have.

Every accepted format occurs: CSV in UTF-8, UTF-8 with BOM and GB18030; XLSX with real
date cells; Parquet; a source split over several files. Cell-level variety (是/否, Y/N, TRUE,
YYYY/MM/DD, 年月日, full-width digits, padding) is chosen per row by a seeded generator, so
the same arguments always give the same bytes.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import xlsxwriter

BOOL_WORDS = {
    "true": ("true", "false"),
    "TRUE": ("TRUE", "FALSE"),
    "是": ("是", "否"),
    "Y": ("Y", "N"),
    "1": ("1", "0"),
}
_FULLWIDTH = {str(d): chr(0xFF10 + d) for d in range(10)}


def as_text(table: pa.Table, bools: str = "true", ts_style: str = "iso") -> pa.Table:
    """Every column as text the way a CSV export spells it (nulls stay empty)."""
    cols = {}
    for name in table.column_names:
        col = table[name].combine_chunks()
        t = col.type
        if pa.types.is_boolean(t):
            yes, no = BOOL_WORDS[bools]
            cols[name] = pc.if_else(col, yes, no)
        elif pa.types.is_timestamp(t):
            cols[name] = ts_text(col, ts_style)
        elif pa.types.is_string(t):
            cols[name] = col
        else:
            cols[name] = pc.cast(col, pa.string())
    return pa.table(cols)


def ts_text(col: pa.Array, style: str) -> pa.Array:
    iso = pc.cast(col, pa.string())  # YYYY-MM-DD HH:MM:SS
    if style == "iso":
        return iso
    if style == "slash":
        return pc.replace_substring(iso, "-", "/")
    if style == "slash_minutes":
        return pc.replace_substring(pc.utf8_slice_codeunits(iso, 0, 16), "-", "/")
    if style == "chinese":
        s = lambda a, b: pc.utf8_slice_codeunits(iso, a, b)  # noqa: E731
        return pc.binary_join_element_wise(s(0, 4), "年", s(5, 7), "月", s(8, 10), "日 ", s(11, 16), "")
    if style == "fullwidth":
        return fullwidth_digits(iso)
    if style == "padded":
        return pc.binary_join_element_wise(" ", pc.utf8_slice_codeunits(iso, 0, 16), "  ", "")
    raise ValueError(style)


def fullwidth_digits(col: pa.Array) -> pa.Array:
    for d, f in _FULLWIDTH.items():
        col = pc.replace_substring(col, d, f)
    return col


def mixed_ts(table: pa.Table, columns: list[str], style_idx: np.ndarray, styles: list[str]) -> pa.Table:
    """Each row's timestamps in the style `styles[style_idx[row]]`."""
    idx = pa.array(style_idx.astype(np.int8))
    for name in columns:
        col = table[name].combine_chunks()
        variants = [ts_text(col, s) for s in styles]
        table = table.set_column(table.schema.get_field_index(name), name, pc.choose(idx, *variants))
    return table


def with_rows(table: pa.Table, rows: list[dict], position: int) -> pa.Table:
    """`rows` inserted before row `position` (rows are dicts of the table's columns)."""
    if not rows:
        return table
    extra = pa.Table.from_pylist([{n: r.get(n) for n in table.column_names} for r in rows], schema=table.schema)
    position = max(0, min(position, table.num_rows))
    return pa.concat_tables([table.slice(0, position), extra, table.slice(position)])


# --- writers ---------------------------------------------------------------------------------


def write_csv(table: pa.Table, path: Path, encoding: str = "utf-8", bom: bool = False) -> None:
    """A text table as CSV; small files through the csv module (quotes only when needed, CRLF
    like Excel), large ones through Arrow."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if table.num_rows <= 50_000 or encoding != "utf-8":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(table.column_names)
        cols = [c.to_pylist() for c in table.columns]
        w.writerows(zip(*cols))
        data = buf.getvalue().encode(encoding)
    else:
        out = io.BytesIO()
        pacsv.write_csv(table, out, write_options=pacsv.WriteOptions(quoting_style="needed"))
        data = out.getvalue()
    if bom:
        data = b"\xef\xbb\xbf" + data
    path.write_bytes(data)


def write_parquet(table: pa.Table, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path, compression="zstd", write_statistics=True)


def write_xlsx(table: pa.Table, path: Path, created: dt.datetime, sheet: str = "Sheet1") -> None:
    """Typed cells: booleans, numbers, real datetimes (Excel serials with a date format)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(
        str(path),
        {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False},
    )
    wb.set_properties({"created": created, "author": "zwfw sample generator"})
    ws = wb.add_worksheet(sheet)
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    head_fmt = wb.add_format({"bold": True})
    for j, name in enumerate(table.column_names):
        ws.write_string(0, j, name, head_fmt)
        col = table[name]
        t = col.type
        values = col.to_pylist()
        if pa.types.is_timestamp(t):
            ws.set_column(j, j, 20)
            for i, v in enumerate(values, 1):
                if v is not None:
                    ws.write_datetime(i, j, v, date_fmt)
        elif pa.types.is_boolean(t):
            for i, v in enumerate(values, 1):
                if v is not None:
                    ws.write_boolean(i, j, v)
        elif pa.types.is_integer(t):
            for i, v in enumerate(values, 1):
                if v is not None:
                    ws.write_number(i, j, v)
        else:
            ws.set_column(j, j, 16 if name.endswith(("_id", "_code")) else 24)
            for i, v in enumerate(values, 1):
                if v is not None:
                    ws.write_string(i, j, v)
    ws.freeze_panes(1, 0)
    wb.close()

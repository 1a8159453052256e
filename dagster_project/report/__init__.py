"""The bulletin as people read it: an HTML page (prints to A4) and an XLSX workbook.

    read_marts (warehouse, read-only, closed at once)
      -> build_bulletin (bulletin: model tables, then the workpoints letter)
      -> render_html / write_xlsx

`layout.py` holds what the paper bulletin prints (titles, headings, notes, targets),
`workpoints.py` the letter's five points, `charts.py` the SVG bar charts.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from dataclasses import dataclass
from pathlib import Path

from dagster_project.report.marts import ReportError, read_marts

HTML_NAME = "bulletin.html"
XLSX_NAME = "bulletin.xlsx"


@dataclass
class ReportFiles:
    snapshot: dt.date
    previous: dt.date | None
    html: Path
    xlsx: Path
    seconds: float

    def render(self) -> str:
        against = f" (change against {self.previous.isoformat()})" if self.previous else " (no earlier snapshot)"
        return (
            f"bulletin {self.snapshot.isoformat()}{against} in {self.seconds:.1f}s\n"
            f"  HTML: {self.html}\n  XLSX: {self.xlsx}"
        )


def replace_file(path: Path, write) -> None:
    """Write beside the target, then rename: a reader never sees half a file (not world-readable)."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        write(tmp)
        os.chmod(tmp, 0o640)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def render_report(
    warehouse: Path, snapshot: dt.date | None, out_dir: Path, issued: dt.date | None = None
) -> ReportFiles:
    """Render one snapshot's bulletin into `out_dir` (bulletin.html, bulletin.xlsx)."""
    from dagster_project.report.bulletin import build_bulletin
    from dagster_project.report.html import render_html
    from dagster_project.report.xlsx import write_xlsx

    started = time.monotonic()
    data = read_marts(Path(warehouse), snapshot)
    bulletin = build_bulletin(data, issued)
    out_dir.mkdir(parents=True, exist_ok=True)
    html, xlsx = out_dir / HTML_NAME, out_dir / XLSX_NAME
    page = render_html(bulletin)
    replace_file(html, lambda p: p.write_text(page, encoding="utf-8"))
    replace_file(xlsx, lambda p: write_xlsx(bulletin, p))
    return ReportFiles(bulletin.snapshot, bulletin.previous, html.resolve(), xlsx.resolve(), time.monotonic() - started)


def default_out_dir(report_dir: Path, snapshot: dt.date) -> Path:
    """`<report dir>/<snapshot>/` (`config.Settings.report_dir`: `ZWFW_REPORT_DIR`, by default
    `report/` beside the warehouse)."""
    return Path(report_dir) / snapshot.isoformat()


__all__ = ["ReportError", "ReportFiles", "render_report", "default_out_dir", "read_marts"]

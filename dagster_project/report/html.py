"""The bulletin as one self-contained HTML page (CSS and SVG inline), laid out for A4 print."""

from __future__ import annotations

from dataclasses import dataclass

import jinja2
from markupsafe import Markup

from dagster_project.report.charts import bar_chart, sparkline
from dagster_project.report.layout import (
    COUNT,
    DELTA_UNITS,
    DISTRIBUTE_TO,
    ISSUER,
    ISSUER_OFFICE,
    REPORT_HEADING,
    SEND_TO,
    SERIES,
    TITLE,
    HeaderCell,
    header_cells,
)
from dagster_project.report.model import Bulletin, Cell, Table
from dagster_project.report.workpoints import APPEAL, INTRO, appendix_titles, cn_date

_env = jinja2.Environment(
    loader=jinja2.PackageLoader("dagster_project.report", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


@dataclass
class Change:
    text: str
    css: str
    title: str


def change_mark(cell: Cell, previous_label: str) -> Change | None:
    """'↑0.35' (points; 件 per head) under a ratio; None when there is nothing to compare."""
    if cell.change is None:
        return None
    delta = DELTA_UNITS[cell.column.kind]
    shown = round(abs(delta.points(cell.change)), delta.decimals)
    figure = f"{shown:.{delta.decimals}f}"
    if shown == 0:
        return Change("持平", "flat", f"与{previous_label}持平")
    if cell.change > 0:
        return Change(f"↑{figure}", "up", f"较{previous_label}提高{figure}{delta.unit}")
    return Change(f"↓{figure}", "down", f"较{previous_label}下降{figure}{delta.unit}")


def header_rows(table: Table, unit_heading: str) -> list[list[HeaderCell]]:
    cells = header_cells(unit_heading, [(c.heading, c.group) for c in table.spec.columns])
    return [[c for c in cells if c.row == r] for r in range(max(c.row for c in cells) + 1)]


def _charts(table: Table) -> list[tuple[str, Markup]]:
    """(caption, SVG) per chart and block of rows."""
    out = []
    many = len(table.blocks) > 1
    for chart in table.spec.charts:
        for i, block in enumerate(table.blocks, start=1):
            if not block.lines:
                continue
            name = f"图{table.spec.no}-{i}　{block.part.label}" if many else f"图{table.spec.no}"
            caption = f"{name}　{chart.title}（由高到低，合计以深色标出）"
            out.append((caption, Markup(bar_chart(block, chart, caption))))
    return out


def _targets(table: Table) -> list[str]:
    return [c.target.label for c in table.spec.columns if c.target]


def spark(cell: Cell, labels: list[str]) -> Markup:
    """The sparkline under a named ratio (layout.TRENDS); nothing for other cells."""
    return Markup(sparkline(cell.trend, labels)) if cell.trend else Markup("")


def render_html(bulletin: Bulletin) -> str:
    previous_label = cn_date(bulletin.previous) if bulletin.previous else ""
    trend_labels = [f"{d.month}月{d.day}日" for d in bulletin.trend_snapshots]
    template = _env.get_template("bulletin.html.j2")
    return template.render(
        b=bulletin,
        series=SERIES,
        title=TITLE,
        issuer=ISSUER,
        issuer_office=ISSUER_OFFICE,
        heading=REPORT_HEADING,
        send_to=SEND_TO,
        distribute_to=DISTRIBUTE_TO,
        snapshot_cn=cn_date(bulletin.snapshot),
        issued_cn=cn_date(bulletin.issued),
        previous_cn=previous_label,
        intro=INTRO.format(date=cn_date(bulletin.snapshot)),
        appeal=APPEAL,
        appendix=appendix_titles(),
        header_rows=header_rows,
        charts=_charts,
        targets=_targets,
        change=lambda cell: change_mark(cell, previous_label),
        spark=lambda cell: spark(cell, trend_labels),
        COUNT=COUNT,
    )

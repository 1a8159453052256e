"""Horizontal bar charts as inline SVG: no script, no network, and they print as vectors.

One bar per unit, sorted high to low, 合计 drawn as its own dark bar and as a dashed line across
the chart, the bulletin's target (if any) as a red line, units below it in red.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

from dagster_project.report.layout import Chart
from dagster_project.report.model import Block

FONT = '"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei","PingFang SC","SimHei",sans-serif'
WIDTH = 680
ROW = 17
BAR = 11
TOP = 30
BOTTOM = 20
VALUE_SPACE = 62
FONT_SIZE = 11


@dataclass
class Bar:
    name: str
    value: float | None
    text: str
    is_total: bool
    below: bool


def _text_width(text: str, size: float = FONT_SIZE) -> float:
    """Wide (CJK) characters take a full em, others a little over half."""
    return sum(size if ord(ch) >= 0x2E80 else size * 0.58 for ch in text)


def _ticks(top: float) -> list[float]:
    if top <= 1:
        return [0, 0.25, 0.5, 0.75, 1.0]
    raw = top / 4
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return [i * step for i in range(int(math.ceil(top / step)) + 1)]


def _pct(x: float) -> str:
    return f"{x * 100:.0f}%"


def bars(block: Block, chart: Chart) -> list[Bar]:
    items = [
        Bar(
            line.unit_name,
            line.cell(chart.field).value,
            line.cell(chart.field).text,
            line.is_total,
            line.cell(chart.field).missed is not None,
        )
        for line in block.lines
    ]
    order = {id(b): i for i, b in enumerate(items)}
    return sorted(items, key=lambda b: (b.value is None, -(b.value or 0.0), order[id(b)]))


def bar_chart(block: Block, chart: Chart, caption: str) -> str:
    """SVG markup; the caption is also the accessible name."""
    items = bars(block, chart)
    total = next((b for b in items if b.is_total), None)
    target = block.lines[0].cell(chart.field).column.target if block.lines else None
    values = [b.value for b in items if b.value is not None]
    top = max([1.0, *values, float(target.at_least) if target else 0.0])
    ticks = _ticks(top)
    top = ticks[-1]
    label_w = max([_text_width(b.name) for b in items] + [40]) + 10
    plot_w = WIDTH - label_w - VALUE_SPACE
    height = TOP + ROW * len(items) + BOTTOM

    def x(v: float) -> float:
        return label_w + plot_w * v / top

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" role="img" aria-label="{escape(caption)}" font-family=\'{FONT}\' font-size="{FONT_SIZE}">',
        f"<title>{escape(caption)}</title>",
    ]
    for t in ticks:
        out.append(
            f'<line class="grid" x1="{x(t):.1f}" x2="{x(t):.1f}" y1="{TOP - 4}" y2="{height - BOTTOM}" '
            'stroke="#d9d9d9" stroke-width="0.6"/>'
        )
        out.append(
            f'<text class="tick" x="{x(t):.1f}" y="{TOP - 7}" text-anchor="middle" fill="#666" '
            f'font-size="9">{_pct(t)}</text>'
        )
    for i, b in enumerate(items):
        y = TOP + i * ROW
        kind = "bar-total" if b.is_total else ("bar-below" if b.below else "bar-unit")
        fill = {"bar-total": "#333333", "bar-below": "#d0443e", "bar-unit": "#4a78b0"}[kind]
        weight = ' font-weight="bold"' if b.is_total else ""
        out.append(f'<g class="{kind}"><title>{escape(b.name)}：{escape(b.text)}</title>')
        out.append(f'<text x="{label_w - 6:.1f}" y="{y + BAR - 1}" text-anchor="end"{weight}>{escape(b.name)}</text>')
        if b.value is not None:
            w = max(plot_w * b.value / top, 0.0)
            out.append(f'<rect x="{label_w:.1f}" y="{y + 1}" width="{w:.1f}" height="{BAR}" fill="{fill}"/>')
            out.append(f'<text x="{label_w + w + 4:.1f}" y="{y + BAR - 1}"{weight}>{escape(b.text)}</text>')
        else:
            out.append(f'<text x="{label_w + 4:.1f}" y="{y + BAR - 1}" fill="#888">{escape(b.text)}</text>')
        out.append("</g>")
    if total is not None and total.value is not None:
        tx = x(total.value)
        out.append(
            f'<line class="total-line" x1="{tx:.1f}" x2="{tx:.1f}" y1="{TOP - 2}" y2="{height - 16}" '
            'stroke="#333" stroke-width="1" stroke-dasharray="4 3"/>'
        )
        out.append(
            f'<text x="{tx + 3:.1f}" y="{height - 6}" font-size="9" fill="#333">合计 {escape(total.text)}</text>'
        )
    if target is not None:
        gx = x(float(target.at_least))
        out.append(
            f'<line class="target-line" x1="{gx:.1f}" x2="{gx:.1f}" y1="{TOP - 2}" y2="{height - BOTTOM}" '
            'stroke="#d0443e" stroke-width="1.2" stroke-dasharray="2 2"/>'
        )
        out.append(
            f'<text x="{gx - 3:.1f}" y="{TOP - 18}" font-size="9" fill="#d0443e" text-anchor="end">'
            f"目标 {_pct(float(target.at_least))}</text>"
        )
    out.append("</svg>")
    return "".join(out)


SPARK_WIDTH, SPARK_HEIGHT, SPARK_PAD = 56, 14, 2


def sparkline(values: list[float | None], labels: list[str]) -> str:
    """A ratio's last snapshots as a small line (0 % at the bottom, 100 % at the top, so a
    slope is a real change), the latest as a dot; the title lists each snapshot's figure.
    Empty when fewer than two snapshots have a figure."""
    points = [(i, v) for i, v in enumerate(values) if v is not None]
    if len(points) < 2:
        return ""
    top = max(1.0, max(v for _, v in points))
    step = (SPARK_WIDTH - 2 * SPARK_PAD) / max(len(values) - 1, 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        return (SPARK_PAD + i * step, SPARK_HEIGHT - SPARK_PAD - (SPARK_HEIGHT - 2 * SPARK_PAD) * max(v, 0.0) / top)

    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in (xy(i, v) for i, v in points))
    last_x, last_y = xy(*points[-1])
    title = "；".join(f"{label} {'-' if v is None else f'{v * 100:.2f}%'}" for label, v in zip(labels, values))
    return (
        f'<svg class="spark" width="{SPARK_WIDTH}" height="{SPARK_HEIGHT}" viewBox="0 0 {SPARK_WIDTH} '
        f'{SPARK_HEIGHT}" role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>'
        f'<polyline points="{path}" fill="none" stroke="currentColor" stroke-width="1"/>'
        f'<circle cx="{last_x:.1f}" cy="{last_y:.1f}" r="1.6" fill="currentColor"/></svg>'
    )

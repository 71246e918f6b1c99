"""Bar, column and line charts as SVG strings: pure Python, one picture for page, e-mail, PDF.

Like the timeline (charts.py), every mark has a <title> in words and the chart an aria-label;
a bar with a link is wrapped in <a>, so every number on the dashboard leads to its list.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape

from pactline.reports.charts import FONT, GRID_COLOUR, MUTED_COLOUR, TEXT_COLOUR, chart_role

PALETTE = ("#1849a9", "#067647", "#dc6803", "#d92d20", "#6941c6", "#475467")


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | int | Decimal
    href: str = ""
    colour: str = PALETTE[0]
    text: str = ""  # the value in words, e.g. "12,500.00 EUR"


def _number(value: float | int | Decimal) -> str:
    if isinstance(value, int):
        return f"{value:,}"
    return f"{Decimal(value):,.2f}"


def _open(width: int, height: int, summary: str, css: str, linked: bool = False) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="{chart_role(linked)}" '
        f'aria-label="{escape(summary)}" '
        f'font-family="{FONT}" class="{css}">',
        f"<title>{escape(summary)}</title>",
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
    ]


def _linked(mark: str, href: str) -> str:
    return f'<a href="{escape(href)}">{mark}</a>' if href else mark


def bar_chart(bars: Sequence[Bar], title: str, width: int = 480, label_width: int = 150) -> str:
    """Horizontal bars, one per row, labelled with their value."""
    row, top = 26, 8
    height = top * 2 + max(len(bars), 1) * row
    most = max((float(b.value) for b in bars), default=0.0) or 1.0
    span = width - label_width - 90
    linked = any(b.href for b in bars)
    parts = _open(width, height, f"{title}: {len(bars)} bars", "bar-chart", linked)
    for index, bar in enumerate(bars):
        y = top + index * row
        length = max(float(bar.value) / most * span, 0 if not bar.value else 2)
        words = bar.text or _number(bar.value)
        mark = (
            f'<g class="bar"><title>{escape(bar.label)}: {escape(words)}</title>'
            f'<text x="{label_width - 6}" y="{y + 17}" font-size="12" text-anchor="end" '
            f'fill="{TEXT_COLOUR}">{escape(bar.label[:24])}</text>'
            f'<rect x="{label_width}" y="{y + 4}" width="{length:.1f}" height="{row - 8}" '
            f'fill="{bar.colour}" rx="2"/>'
            f'<text x="{label_width + length + 6:.1f}" y="{y + 17}" font-size="12" '
            f'fill="{TEXT_COLOUR}">{escape(words)}</text></g>'
        )
        parts.append(_linked(mark, bar.href))
    if not bars:
        parts.append(f'<text x="8" y="24" font-size="12" fill="{MUTED_COLOUR}">Nothing yet</text>')
    parts.append("</svg>")
    return "".join(parts)


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | int | Decimal | None]
    colour: str = PALETTE[0]


def _legend(series: Sequence[Series], x: float, y: float) -> list[str]:
    parts = []
    for s in series:
        parts.append(
            f'<rect x="{x:.1f}" y="{y - 9}" width="10" height="10" fill="{s.colour}"/>'
            f'<text x="{x + 14:.1f}" y="{y}" font-size="11" fill="{TEXT_COLOUR}">'
            f"{escape(s.name)}</text>"
        )
        x += 24 + 7 * len(s.name)
    return parts


def column_chart(
    labels: Sequence[str], series: Sequence[Series], title: str, width: int = 720, height: int = 240
) -> str:
    """Grouped columns: one group per label (a week, a month), one column per series."""
    left, top, bottom = 70, 28, 36
    plot_h = height - top - bottom
    most = max((float(v) for s in series for v in s.values if v is not None), default=0.0) or 1.0
    group_w = (width - left - 10) / max(len(labels), 1)
    col_w = max(min(group_w / (len(series) + 1), 28), 2)
    parts = _open(width, height, f"{title}: {len(labels)} periods", "column-chart")
    parts += _legend(series, left, 14)
    for frac in (0, 0.5, 1):
        y = top + plot_h * (1 - frac)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - 10}" y2="{y:.1f}" '
            f'stroke="{GRID_COLOUR}"/><text x="{left - 6}" y="{y + 4:.1f}" font-size="10" '
            f'text-anchor="end" fill="{MUTED_COLOUR}">{_number(Decimal(most * frac))}</text>'
        )
    step = max(1, len(labels) // 12)
    for i, label in enumerate(labels):
        gx = left + i * group_w
        for j, s in enumerate(series):
            value = s.values[i] if i < len(s.values) else None
            if not value:
                continue
            h = float(value) / most * plot_h
            x = gx + (j + 0.5) * col_w
            parts.append(
                f'<rect class="column" x="{x:.1f}" y="{top + plot_h - h:.1f}" '
                f'width="{col_w - 1:.1f}" height="{h:.1f}" fill="{s.colour}">'
                f"<title>{escape(label)}, {escape(s.name)}: {_number(value)}</title></rect>"
            )
        if i % step == 0:
            parts.append(
                f'<text x="{gx + 2:.1f}" y="{height - bottom + 16}" font-size="10" '
                f'fill="{MUTED_COLOUR}">{escape(label)}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def line_chart(
    labels: Sequence[str],
    series: Sequence[Series],
    title: str,
    width: int = 720,
    height: int = 220,
    maximum: float | None = None,
    unit: str = "",
) -> str:
    """Lines over periods (a trend); a point per value with its <title>."""
    left, top, bottom = 56, 28, 36
    plot_h = height - top - bottom
    values = [float(v) for s in series for v in s.values if v is not None]
    most = maximum or max(values, default=0.0) or 1.0
    step_x = (width - left - 20) / max(len(labels) - 1, 1)
    parts = _open(width, height, f"{title}: {len(labels)} periods", "line-chart")
    parts += _legend(series, left, 14)
    for frac in (0, 0.5, 1):
        y = top + plot_h * (1 - frac)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - 10}" y2="{y:.1f}" '
            f'stroke="{GRID_COLOUR}"/><text x="{left - 6}" y="{y + 4:.1f}" font-size="10" '
            f'text-anchor="end" fill="{MUTED_COLOUR}">{most * frac:.0f}{escape(unit)}</text>'
        )
    for s in series:
        points = [
            (left + i * step_x, top + plot_h * (1 - float(v) / most), labels[i], v)
            for i, v in enumerate(s.values)
            if v is not None and i < len(labels)
        ]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _, _ in points)
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="{s.colour}" stroke-width="2"/>'
            )
        for x, y, label, v in points:
            parts.append(
                f'<circle class="point" cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{s.colour}">'
                f"<title>{escape(label)}, {escape(s.name)}: {float(v):.1f}{escape(unit)}"
                "</title></circle>"
            )
    step = max(1, len(labels) // 12)
    for i, label in enumerate(labels):
        if i % step == 0:
            parts.append(
                f'<text x="{left + i * step_x - 12:.1f}" y="{height - bottom + 16}" '
                f'font-size="10" fill="{MUTED_COLOUR}">{escape(label)}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)

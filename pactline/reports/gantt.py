"""A Gantt timeline as SVG: bars from planned start to due, baseline and forecast markers,
dependency arrows, group headers and a today line. Pure Python, like charts.py.

Zoom sets the pixels per day (week 24, month 6, quarter 2); rows are grouped (by contract,
party or owner) and the page paginates them, so hundreds of milestones stay readable.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from html import escape

from pactline.accounts.terminology import Terms
from pactline.reports.charts import (
    BASELINE_COLOUR,
    FONT,
    GRID_COLOUR,
    HEALTH_COLOURS,
    HEALTH_WORDS,
    MUTED_COLOUR,
    TEXT_COLOUR,
    TODAY_COLOUR,
    chart_role,
)

ZOOMS = {"week": 24.0, "month": 6.0, "quarter": 2.0}
LABEL_W = 240
ROW_H = 24
AXIS_H = 30


@dataclass(frozen=True)
class GanttRow:
    id: int
    label: str
    start: date | None
    due: date | None
    baseline: date | None = None
    forecast: date | None = None
    health: str = "on_track"
    href: str = ""


@dataclass(frozen=True)
class GanttGroup:
    label: str
    rows: Sequence[GanttRow]
    href: str = ""


def _ticks(first: date, last: date, zoom: str) -> list[tuple[date, str]]:
    out = []
    if zoom == "week":
        day = first - timedelta(days=first.weekday())
        while day <= last:
            out.append((day, day.strftime("%d %b")))
            day += timedelta(days=7)
        return out
    months = 1 if zoom == "month" else 3
    day = date(first.year, ((first.month - 1) // months) * months + 1, 1)
    while day <= last:
        label = (
            day.strftime("%b %Y") if zoom == "month" else f"Q{(day.month - 1) // 3 + 1} {day.year}"
        )
        out.append((day, label))
        month = day.month - 1 + months
        day = date(day.year + month // 12, month % 12 + 1, 1)
    return out


def _bounds(groups: Sequence[GanttGroup], today: date) -> tuple[date, date]:
    days = [today]
    for g in groups:
        for r in g.rows:
            days += [d for d in (r.start, r.due, r.baseline, r.forecast) if d is not None]
    return min(days) - timedelta(days=7), max(days) + timedelta(days=14)


def _describe(r: GanttRow) -> str:
    words = HEALTH_WORDS.get(r.health, r.health.replace("_", " "))
    if r.due is None:
        return f"{r.label}: no due date ({words})"
    text = f"{r.label}: {r.start.isoformat() if r.start else '?'} to {r.due.isoformat()} ({words})"
    if r.baseline and r.baseline != r.due:
        text += f", baseline {r.baseline.isoformat()}"
    if r.forecast and r.forecast != r.due:
        text += f", forecast {r.forecast.isoformat()}"
    return text


def gantt_svg(
    groups: Sequence[GanttGroup],
    links: Sequence[tuple[int, int]],
    today: date,
    *,
    zoom: str = "month",
    title: str = "Timeline",
    words: Terms | None = None,
) -> str:
    per_day = ZOOMS.get(zoom, ZOOMS["month"])
    first, last = _bounds(groups, today)
    width = int(LABEL_W + (last - first).days * per_day + 20)
    count = sum(len(g.rows) + 1 for g in groups)
    height = AXIS_H + max(count, 1) * ROW_H + 10

    def x(day: date) -> float:
        return LABEL_W + (day - first).days * per_day

    rows = sum(len(g.rows) for g in groups)
    linked = any(g.href or any(r.href for r in g.rows) for g in groups)
    noun = (words or Terms()).milestones_lower  # the organisation's word
    summary = f"{title}: {rows} {noun} in {len(groups)} groups; today is {today.isoformat()}"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="{chart_role(linked)}" aria-label="{escape(summary)}" '
        f'font-family="{FONT}" '
        f'class="gantt-chart"><title>{escape(summary)}</title>',
        '<defs><marker id="arrow" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" '
        f'markerHeight="7" orient="auto"><path d="M0,0 L8,4 L0,8 z" fill="{MUTED_COLOUR}"/>'
        "</marker></defs>",
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
    ]
    for day, label in _ticks(first, last, zoom):
        if day < first:
            continue
        parts.append(
            f'<line x1="{x(day):.1f}" y1="{AXIS_H - 6}" x2="{x(day):.1f}" y2="{height}" '
            f'stroke="{GRID_COLOUR}"/><text x="{x(day) + 3:.1f}" y="{AXIS_H - 10}" '
            f'font-size="11" fill="{MUTED_COLOUR}">{escape(label)}</text>'
        )
    positions: dict[int, tuple[float, float, float]] = {}  # id -> (y, start x, end x)
    index = 0
    for group in groups:
        y = AXIS_H + index * ROW_H
        head = (
            f'<text x="6" y="{y + 16}" font-size="12" font-weight="700" '
            f'fill="{TEXT_COLOUR}">{escape(group.label[:40])}</text>'
        )
        if group.href:
            head = f'<a href="{escape(group.href)}">{head}</a>'
        parts.append(
            f'<g class="group"><title>{escape(group.label)}: {len(group.rows)} {noun}</title>'
            f'<rect x="0" y="{y}" width="{width}" height="{ROW_H}" fill="#f2f4f7"/>{head}</g>'
        )
        index += 1
        for r in group.rows:
            y = AXIS_H + index * ROW_H
            parts.append(_bar(r, y, x))
            if r.due is not None:
                start = r.start if r.start and r.start <= r.due else r.due
                positions[r.id] = (y + ROW_H / 2, x(start), x(r.due))
            index += 1
    for pred, succ in links:
        if pred in positions and succ in positions:
            py, _, px = positions[pred]
            sy, sx, _ = positions[succ]
            mid = max(px + 6, sx - 6)
            parts.append(
                f'<path class="dependency" d="M{px:.1f},{py:.1f} H{mid:.1f} V{sy:.1f} H{sx:.1f}" '
                f'fill="none" stroke="{MUTED_COLOUR}" stroke-width="1" marker-end="url(#arrow)">'
                f"<title>Dependency</title></path>"
            )
    tx = x(today)
    parts.append(
        f'<g class="today"><title>Today, {today.isoformat()}</title><line class="today-line" '
        f'x1="{tx:.1f}" y1="{AXIS_H - 4}" x2="{tx:.1f}" y2="{height}" stroke="{TODAY_COLOUR}" '
        'stroke-width="2" stroke-dasharray="5 3"/></g></svg>'
    )
    return "".join(parts)


def _bar(r: GanttRow, y: float, x: object) -> str:
    scale = x  # a function: date -> pixel
    colour = HEALTH_COLOURS.get(r.health, HEALTH_COLOURS["on_track"])
    label = (
        f'<text x="14" y="{y + 16}" font-size="12" fill="{TEXT_COLOUR}">'
        f"{escape(r.label[:34])}</text>"
    )
    if r.href:
        label = f'<a href="{escape(r.href)}">{label}</a>'
    parts = [f'<g class="row"><title>{escape(_describe(r))}</title>', label]
    if r.due is None:
        parts.append("</g>")
        return "".join(parts)
    start = r.start if r.start and r.start <= r.due else r.due
    sx, dx = scale(start), scale(r.due)  # type: ignore[operator]
    parts.append(
        f'<rect class="bar {r.health}" x="{sx:.1f}" y="{y + 6}" width="{max(dx - sx, 3):.1f}" '
        f'height="{ROW_H - 12}" rx="2" fill="{colour}" fill-opacity="0.85"/>'
    )
    if r.baseline and r.baseline != r.due:
        bx = scale(r.baseline)  # type: ignore[operator]
        parts.append(
            f'<circle class="baseline" cx="{bx:.1f}" cy="{y + ROW_H / 2}" r="4" fill="#ffffff" '
            f'stroke="{BASELINE_COLOUR}" stroke-width="1.5"><title>Baseline '
            f"{r.baseline.isoformat()}</title></circle>"
        )
    if r.forecast and r.forecast != r.due:
        fx = scale(r.forecast)  # type: ignore[operator]
        cy = y + ROW_H / 2
        parts.append(
            f'<polygon class="forecast" points="{fx - 5:.1f},{cy - 6:.1f} '
            f'{fx + 5:.1f},{cy - 6:.1f} {fx:.1f},{cy + 2:.1f}" '
            f'fill="{TODAY_COLOUR}"><title>Forecast '
            f"{r.forecast.isoformat()}</title></polygon>"
        )
    parts.append("</g>")
    return "".join(parts)

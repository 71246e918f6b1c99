"""Charts as SVG strings, rendered on the server.

Pure Python with no Django or database access, so one picture serves the web page, an e-mail
and a PDF alike. Colours are inline attributes (no stylesheet needed) and every meaning has
words too: a <title> per marker and an aria-label on the whole chart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from html import escape

from pactline.accounts.terminology import Terms

# Health -> marker colour. Late things are red; each colour has >= 3:1 contrast on white.
HEALTH_COLOURS = {
    "overdue": "#d92d20",
    "done_late": "#d92d20",
    "at_risk": "#dc6803",
    "due_soon": "#b54708",
    "on_track": "#1849a9",
    "done_on_time": "#067647",
    "unscheduled": "#667085",
    "cancelled": "#667085",
}
LATE = frozenset({"overdue", "done_late"})
HEALTH_WORDS = {
    "overdue": "overdue",
    "done_late": "done late",
    "at_risk": "at risk",
    "due_soon": "due soon",
    "on_track": "on track",
    "done_on_time": "done on time",
    "unscheduled": "not scheduled",
    "cancelled": "cancelled",
}
TODAY_COLOUR = "#b42318"
BASELINE_COLOUR = "#475467"
GRID_COLOUR = "#eaecf0"
TEXT_COLOUR = "#1d2433"
MUTED_COLOUR = "#475467"
FONT = "system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif"

LABEL_WIDTH = 220
ROW_HEIGHT = 30
AXIS_HEIGHT = 34
PAD_RIGHT = 24
PAD_BOTTOM = 12
MAX_LABEL_CHARS = 30


def chart_role(linked: bool) -> str:
    """role="img" hides what is inside, so a chart whose marks are links is a labelled group
    instead (an image may not hold interactive content: axe "nested-interactive")."""
    return "group" if linked else "img"


@dataclass(frozen=True)
class TimelineItem:
    """One row: a milestone's due date, its baseline, and its health (a Health value)."""

    label: str
    due: date | None
    baseline: date | None = None
    health: str = "on_track"
    href: str = ""


@dataclass(frozen=True)
class _Scale:
    start: date
    end: date
    x0: float
    x1: float

    def x(self, day: date) -> float:
        span = max((self.end - self.start).days, 1)
        return self.x0 + (day - self.start).days / span * (self.x1 - self.x0)


def _range(
    items: Sequence[TimelineItem], today: date, start: date | None, end: date | None
) -> tuple[date, date]:
    days = [d for i in items for d in (i.due, i.baseline) if d is not None]
    days += [d for d in (today, start, end) if d is not None]
    first, last = min(days), max(days)
    pad = max((last - first).days // 20, 7)
    return first - timedelta(days=pad), last + timedelta(days=pad)


def _month_starts(first: date, last: date) -> list[date]:
    months = []
    current = date(first.year, first.month, 1)
    while current <= last:
        if current >= first:
            months.append(current)
        current = date(current.year + current.month // 12, current.month % 12 + 1, 1)
    return months


TICK_STEPS = (1, 3, 6, 12, 24, 60, 120, 600)  # months between labelled grid lines
MIN_TICK_PIXELS = 56


def _ticks(scale: _Scale) -> list[date]:
    """Month starts to label, spaced so their labels never overlap."""
    months = _month_starts(scale.start, scale.end)
    if not months:
        return []
    pixels_per_month = (scale.x1 - scale.x0) / len(months)
    step = next((s for s in TICK_STEPS if s * pixels_per_month >= MIN_TICK_PIXELS), 1200)
    if step < 12:
        return [m for m in months if (m.month - 1) % step == 0]
    return [m for m in months if m.month == 1 and m.year % (step // 12) == 0]


def _tick_label(day: date, yearly: bool, first: bool) -> str:
    if yearly:
        return str(day.year)
    return day.strftime("%b %Y") if first or day.month == 1 else day.strftime("%b")


def _short(text: str) -> str:
    return text if len(text) <= MAX_LABEL_CHARS else text[: MAX_LABEL_CHARS - 1] + "…"


def _describe(item: TimelineItem) -> str:
    health = HEALTH_WORDS.get(item.health, item.health.replace("_", " "))
    if item.due is None:
        return f"{item.label}: no due date ({health})"
    text = f"{item.label}: due {item.due.isoformat()} ({health})"
    if item.baseline and item.baseline != item.due:
        slip = (item.due - item.baseline).days
        text += f", baseline {item.baseline.isoformat()} ({slip:+d} days)"
    return text


def _axis(scale: _Scale, height: float) -> list[str]:
    ticks = _ticks(scale)
    yearly = len(ticks) > 1 and all(t.month == 1 for t in ticks)  # one label a year or rarer
    parts = []
    for index, tick in enumerate(ticks):
        x = scale.x(tick)
        label = _tick_label(tick, yearly, first=index == 0)
        parts.append(
            f'<line x1="{x:.1f}" y1="{AXIS_HEIGHT - 6}" x2="{x:.1f}" y2="{height - PAD_BOTTOM}" '
            f'stroke="{GRID_COLOUR}" stroke-width="1"/>'
            f'<text x="{x + 3:.1f}" y="{AXIS_HEIGHT - 12}" font-size="11" '
            f'fill="{MUTED_COLOUR}">{escape(label)}</text>'
        )
    return parts


def _diamond(x: float, y: float, size: float, colour: str, css: str) -> str:
    corners = ((x, y - size), (x + size, y), (x, y + size), (x - size, y))
    points = " ".join(f"{cx:.1f},{cy:.1f}" for cx, cy in corners)
    return (
        f'<polygon class="{css}" points="{points}" fill="{colour}" stroke="#ffffff" '
        'stroke-width="1.5"/>'
    )


def _row(item: TimelineItem, index: int, scale: _Scale, width: float) -> str:
    y = AXIS_HEIGHT + index * ROW_HEIGHT + ROW_HEIGHT / 2
    colour = HEALTH_COLOURS.get(item.health, HEALTH_COLOURS["on_track"])
    late = item.health in LATE
    description = escape(_describe(item))
    label = escape(_short(item.label))
    parts = ['<g class="row">', f"<title>{description}</title>"]
    if index % 2 == 0:
        parts.append(
            f'<rect x="0" y="{y - ROW_HEIGHT / 2:.1f}" width="{width}" height="{ROW_HEIGHT}" '
            'fill="#f9fafb"/>'
        )
    weight = "600" if late else "400"
    text = (
        f'<text x="8" y="{y + 4:.1f}" font-size="12" font-weight="{weight}" '
        f'fill="{TEXT_COLOUR}">{label}</text>'
    )
    if item.href:
        text = f'<a href="{escape(item.href)}">{text}</a>'
    parts.append(text)
    if item.baseline and item.due and item.baseline != item.due:
        bx, dx = scale.x(item.baseline), scale.x(item.due)
        parts.append(
            f'<line x1="{bx:.1f}" y1="{y:.1f}" x2="{dx:.1f}" y2="{y:.1f}" '
            f'stroke="{BASELINE_COLOUR}" stroke-width="1.5" stroke-dasharray="3 3"/>'
            f'<circle class="baseline" cx="{bx:.1f}" cy="{y:.1f}" r="4.5" fill="#ffffff" '
            f'stroke="{BASELINE_COLOUR}" stroke-width="1.5"><title>Baseline '
            f"{item.baseline.isoformat()}</title></circle>"
        )
    if item.due is None:
        parts.append(
            f'<text x="{scale.x0:.1f}" y="{y + 4:.1f}" font-size="11" fill="{MUTED_COLOUR}" '
            'font-style="italic">no due date</text>'
        )
    else:
        css = "marker late" if late else f"marker {item.health}"
        parts.append(_diamond(scale.x(item.due), y, 7, colour, css))
    parts.append("</g>")
    return "".join(parts)


def _today_line(scale: _Scale, today: date, height: float) -> str:
    x = scale.x(today)
    return (
        f'<g class="today"><title>Today, {today.isoformat()}</title>'
        f'<line class="today-line" x1="{x:.1f}" y1="{AXIS_HEIGHT - 4}" x2="{x:.1f}" '
        f'y2="{height - PAD_BOTTOM}" stroke="{TODAY_COLOUR}" stroke-width="2" '
        'stroke-dasharray="5 3"/>'
        f'<text x="{x + 4:.1f}" y="{AXIS_HEIGHT - 1}" font-size="11" font-weight="600" '
        f'fill="{TODAY_COLOUR}">Today</text></g>'
    )


def timeline_svg(
    items: Sequence[TimelineItem],
    today: date,
    *,
    title: str = "Milestone timeline",
    start: date | None = None,
    end: date | None = None,
    width: int = 960,
    words: Terms | None = None,
) -> str:
    """A horizontal timeline: one row per item, a marker at its due date, a line for today.

    `start`/`end` (e.g. the contract's dates) widen the range so the whole term shows.
    """
    first, last = _range(items, today, start, end)
    height = AXIS_HEIGHT + max(len(items), 1) * ROW_HEIGHT + PAD_BOTTOM
    scale = _Scale(first, last, LABEL_WIDTH, width - PAD_RIGHT)
    late = sum(1 for i in items if i.health in LATE)
    words = words or Terms()  # the organisation's words for Milestone
    summary = f"{title}: {len(items)} {words.word('milestone', 'lower', count=len(items))}"
    if late:
        summary += f", {late} late"
    summary += f"; today is {today.isoformat()}"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="{chart_role(any(i.href for i in items))}" '
        f'aria-label="{escape(summary)}" font-family="{FONT}" class="timeline-chart">',
        f"<title>{escape(summary)}</title>",
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
        *_axis(scale, height),
    ]
    if not items:
        parts.append(
            f'<text x="8" y="{AXIS_HEIGHT + 18}" font-size="12" fill="{MUTED_COLOUR}">'
            f"No {escape(words.milestones_lower)} yet</text>"
        )
    parts += [_row(item, index, scale, width) for index, item in enumerate(items)]
    parts.append(_today_line(scale, today, height))
    parts.append("</svg>")
    return "".join(parts)

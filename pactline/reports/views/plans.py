"""The Gantt timeline of a contract and of the portfolio, and the month calendar of due dates."""

from __future__ import annotations

import calendar as month_grid
from datetime import date, timedelta
from typing import Any

from django.core.paginator import Paginator
from django.db.models import F, OuterRef, QuerySet, Subquery, Window
from django.db.models.functions import Lag
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from pactline.accounts import permissions
from pactline.accounts.permissions import Actor, get_visible
from pactline.accounts.terminology import terms_of
from pactline.contracts.models import Contract
from pactline.milestones.models import Milestone
from pactline.milestones.queries import contract_milestones, portfolio_today
from pactline.reports.gantt import ZOOMS, GanttGroup, GanttRow, gantt_svg
from pactline.reports.params import choices, portfolio_filter
from pactline.reports.views.lists import milestone_rows
from pactline.web.http import actor_of, member_view

GROUPINGS = ("contract", "party", "owner")
ROWS_PER_PAGE = 150
CALENDAR_LIMIT = 3000
PER_DAY = 4


def with_planned_start(qs: QuerySet[Milestone]) -> QuerySet[Milestone]:
    """Planned start: the previous milestone's due date in the contract, else its start."""
    previous = Window(
        Lag("due_date"), partition_by=[F("contract_id")], order_by=[F("position"), F("pk")]
    )
    return qs.annotate(previous_due=previous, contract_start=F("contract__start_on"))


def _first_party() -> Subquery:
    through = Contract.parties.through.objects.filter(contract_id=OuterRef("contract_id"))
    return Subquery(through.order_by("party__name").values("party__name")[:1])


def _row(m: Milestone) -> GanttRow:
    start = getattr(m, "previous_due", None) or getattr(m, "contract_start", None)
    return GanttRow(
        id=m.pk,
        label=m.title,
        start=start,
        due=m.due_date,
        baseline=m.baseline_due_date,
        forecast=m.forecast_date,
        health=getattr(m, "health", "on_track"),
        href=reverse("milestone-detail", args=[m.pk]),
    )


def _group_label(m: Milestone, grouping: str) -> tuple[str, str]:
    if grouping == "party":
        return (getattr(m, "party_name", None) or "No party", "")
    if grouping == "owner":
        return ((m.owner.display_name or m.owner.email) if m.owner else "No owner", "")
    return (
        f"{m.contract.number} {m.contract.title}",
        reverse("contract-detail", args=[m.contract_id]),
    )


def _groups(milestones: list[Milestone], grouping: str) -> list[GanttGroup]:
    groups: dict[str, tuple[str, list[GanttRow]]] = {}
    for m in milestones:
        label, href = _group_label(m, grouping)
        groups.setdefault(label, (href, []))[1].append(_row(m))
    return [GanttGroup(label, rows, href) for label, (href, rows) in groups.items()]


def _links(actor: Actor, ids: list[int]) -> list[tuple[int, int]]:
    deps = permissions.visible_dependencies(actor).filter(
        successor_id__in=ids, predecessor_id__in=ids
    )
    return list(deps.values_list("predecessor_id", "successor_id"))


def _zoom(request: HttpRequest) -> str:
    zoom = request.GET.get("zoom", "month")
    return zoom if zoom in ZOOMS else "month"


@member_view
def portfolio_timeline(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    grouping = request.GET.get("group", "contract")
    grouping = grouping if grouping in GROUPINGS else "contract"
    qs = with_planned_start(milestone_rows(actor, request.GET).filter(due_date__isnull=False))
    order = {"contract": ["contract__number"], "party": ["party_name"], "owner": ["owner__email"]}
    if grouping == "party":
        qs = qs.annotate(party_name=_first_party())
    qs = qs.order_by(*order[grouping], "due_date", "pk")
    page = Paginator(qs, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    milestones = list(page.object_list)
    svg = gantt_svg(
        _groups(milestones, grouping),
        _links(actor, [m.pk for m in milestones]),
        portfolio_today(actor),
        zoom=_zoom(request),
        title="Portfolio timeline",
        words=terms_of(actor.organisation),
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "svg": svg,
        "page_obj": page,
        "grouping": grouping,
        "zoom": _zoom(request),
        "filters": choices(actor, portfolio_filter(request.GET)),
        "query": query.urlencode(),
        "zooms": list(ZOOMS),
        "groupings": GROUPINGS,
    }
    return render(request, "reports/timeline.html", context)


@member_view
def contract_gantt(request: HttpRequest, pk: int) -> HttpResponse:
    """One contract's Gantt chart; `?format=svg` answers the picture alone."""
    actor = actor_of(request)
    contract = get_visible(permissions.visible_contracts(actor), pk, "contract")
    milestones = list(with_planned_start(contract_milestones(actor, contract.pk)))
    group = GanttGroup(f"{contract.number} {contract.title}", [_row(m) for m in milestones])
    svg = gantt_svg(
        [group],
        _links(actor, [m.pk for m in milestones]),
        portfolio_today(actor),
        zoom=_zoom(request),
        title=f"Timeline of {contract.number}",
        words=terms_of(actor.organisation),
    )
    if request.GET.get("format") == "svg":
        return HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    context = {"svg": svg, "contract": contract, "zoom": _zoom(request), "zooms": list(ZOOMS)}
    return render(request, "reports/contract_gantt.html", context)


def _month(request: HttpRequest, today: date) -> date:
    raw = request.GET.get("month", "")
    try:
        year, month = (int(p) for p in raw.split("-"))
        return date(year, month, 1)
    except (ValueError, TypeError):
        return today.replace(day=1)


def _weeks(
    first: date, by_day: dict[date, list[Milestone]], today: date
) -> list[list[dict[str, Any]]]:
    weeks = []
    for week in month_grid.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month):
        weeks.append(
            [
                {
                    "day": day,
                    "in_month": day.month == first.month,
                    "today": day == today,
                    "items": by_day.get(day, [])[:PER_DAY],
                    "more": max(len(by_day.get(day, [])) - PER_DAY, 0),
                }
                for day in week
            ]
        )
    return weeks


@member_view
def calendar_view(request: HttpRequest) -> HttpResponse:
    """A month of due dates with the timeline's filters."""
    actor = actor_of(request)
    today = portfolio_today(actor)
    first = _month(request, today)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    qs = milestone_rows(actor, request.GET).filter(due_date__gte=first, due_date__lte=last)
    by_day: dict[date, list[Milestone]] = {}
    for m in qs.order_by("due_date", "pk")[:CALENDAR_LIMIT]:
        by_day.setdefault(m.due_date, []).append(m)
    query = request.GET.copy()
    query.pop("month", None)
    previous = (first - timedelta(days=1)).replace(day=1)
    context = {
        "first": first,
        "weeks": _weeks(first, by_day, today),
        "previous": previous.strftime("%Y-%m"),
        "next": (last + timedelta(days=1)).strftime("%Y-%m"),
        "query": query.urlencode(),
        "filters": choices(actor, portfolio_filter(request.GET)),
        "list_url": reverse("milestone-list"),
        "weekdays": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
    }
    return render(request, "reports/calendar.html", context)

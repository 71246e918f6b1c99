"""The audit trail (admins and owners: filters, per person, per object, exports), the activity
feed of the organisation, and the live fragment that keeps an open contract page current."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from pactline.accounts import permissions
from pactline.accounts.permissions import get_visible, require
from pactline.activity.audit import audit_events, csv_lines, jsonl_lines
from pactline.activity.forms import AuditFilterForm
from pactline.activity.queries import contract_history, events_for
from pactline.web.http import actor_of, member_view, paginate, portal_view

ADMINS = "Only admins and owners read the organisation's audit trail."


@member_view
def audit_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    require(permissions.can_view_audit(actor), ADMINS)
    form = AuditFilterForm(actor, request.GET or None)
    page = paginate(request, audit_events(actor, form.to_filter()))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page_obj": page, "events": page.object_list, "query": query}
    return render(request, "activity/audit_list.html", context)


def _export(request: HttpRequest, kind: str) -> StreamingHttpResponse:
    actor = actor_of(request)
    require(permissions.can_view_audit(actor), ADMINS)
    events = audit_events(actor, AuditFilterForm(actor, request.GET or None).to_filter())
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    name = f"audit-{actor.organisation.slug}-{stamp}.{kind}"
    if kind == "csv":
        response = StreamingHttpResponse(csv_lines(events), content_type="text/csv; charset=utf-8")
    else:
        response = StreamingHttpResponse(
            jsonl_lines(events), content_type="application/x-ndjson; charset=utf-8"
        )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@member_view
def audit_export_csv(request: HttpRequest) -> StreamingHttpResponse:
    return _export(request, "csv")


@member_view
def audit_export_jsonl(request: HttpRequest) -> StreamingHttpResponse:
    return _export(request, "jsonl")


@portal_view
def activity_feed(request: HttpRequest) -> HttpResponse:
    """Who did what, newest first, across what the person sees."""
    actor = actor_of(request)
    page = paginate(request, events_for(actor).order_by("-seq"))
    context = {"page_obj": page, "events": page.object_list}
    return render(request, "activity/activity_feed.html", context)


@portal_view
def contract_live(request: HttpRequest, pk: int) -> HttpResponse:
    """Polled by an open contract page with the seq of the last event it shows: 204 while
    nothing new happened, else the page again, from which htmx swaps the changed parts."""
    actor = actor_of(request)
    contract = get_visible(permissions.visible_contracts(actor), pk, "contract")
    latest = contract_history(actor, contract.pk).values_list("seq", flat=True).first() or 0
    if request.GET.get("seq", "") == str(latest):
        return HttpResponse(status=204)
    from pactline.contracts.views import contract_detail

    return contract_detail(request, pk)  # type: ignore[no-any-return]

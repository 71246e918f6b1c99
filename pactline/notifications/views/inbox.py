"""The inbox and each person's notification preferences."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from pactline.accounts import permissions
from pactline.accounts.permissions import get_visible
from pactline.notifications import services
from pactline.notifications.forms import PreferenceForm
from pactline.notifications.preferences import choices_of
from pactline.web.http import actor_of, back_url, paginate, portal_view, posted


@portal_view  # guests have an inbox too (mentions, decisions)
def inbox(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    items = permissions.own_notifications(actor)
    unread_only = request.GET.get("show") == "unread"
    if unread_only:
        items = items.filter(read_at__isnull=True)
    context = {
        "page_obj": paginate(request, items),
        "unread_only": unread_only,
        "unread": permissions.own_notifications(actor).filter(read_at__isnull=True).count(),
    }
    return render(request, "notifications/inbox.html", context)


@portal_view
def unread_count(request: HttpRequest) -> HttpResponse:
    """For the badge in the header (htmx polling)."""
    count = permissions.own_notifications(actor_of(request)).filter(read_at__isnull=True).count()
    return JsonResponse({"unread": count})


@portal_view
@require_POST
def read(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    item = get_visible(permissions.own_notifications(actor), pk, "notification")
    services.mark_read(actor, item)
    if request.POST.get("open") and item.url:
        return redirect(item.url)
    return redirect(back_url(request, "notification-inbox"))


@portal_view
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    count = services.mark_all_read(actor_of(request))
    messages.success(request, f"Marked {count} notification{'s' if count != 1 else ''} as read.")
    return redirect("notification-inbox")


@portal_view
def preferences(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    assert actor.user is not None
    current = {c.topic: (c.email, c.in_app) for c in choices_of(actor.user.pk)}
    form = PreferenceForm(posted(request), choices=current)
    if request.method == "POST" and form.is_valid():
        services.set_preferences(actor, form.rows())
        messages.success(request, "Your notification preferences are saved.")
        return redirect("notification-preferences")
    status = 422 if request.method == "POST" else 200
    return render(request, "notifications/preferences.html", {"form": form}, status=status)

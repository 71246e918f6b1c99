"""Admin pages: the organisation's reminder policy, integrations and their deliveries, sent mail."""

from __future__ import annotations

from csp.decorators import csp_update
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from pactline.accounts import permissions
from pactline.accounts.permissions import Actor, get_visible, require
from pactline.notifications import mailbox, sending, services
from pactline.notifications.channels import registry
from pactline.notifications.forms import SubscriptionForm
from pactline.notifications.models import Delivery, Subscription
from pactline.notifications.views.objects import policy_page
from pactline.web.forms import submit
from pactline.web.http import actor_of, member_view, paginate, posted

ADMINS_ONLY = "only admins manage the organisation's notifications"


def _admin(actor: Actor) -> None:
    require(permissions.can_manage_notifications(actor), ADMINS_ONLY)


@member_view
def organisation_policy(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    _admin(actor)
    return policy_page(request, actor, None, None, reverse("reminder-policy-org"))


# --- integrations (webhook, Slack, Teams) -----------------------------------------------------


def _subscription(actor: Actor, pk: int) -> Subscription:
    _admin(actor)
    return get_visible(permissions.visible_subscriptions(actor), pk, "integration")


def _contract_choices(actor: Actor) -> list[tuple[int, str]]:
    rows = (
        permissions.visible_contracts(actor).order_by("number").values_list("pk", "number", "title")
    )
    return [(pk, f"{number} {title}") for pk, number, title in rows]


@member_view
def subscription_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    _admin(actor)
    subs = permissions.visible_subscriptions(actor).select_related("contract")
    labels = {c.name: c.label for c in registry.all_channels()}
    rows = [(s, labels.get(s.channel, s.channel)) for s in subs]
    undelivered = sending.undelivered_mail(actor.organisation.pk)
    return render(
        request,
        "notifications/subscription_list.html",
        {"rows": rows, "undelivered": undelivered},
    )


@member_view
def subscription_create(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    _admin(actor)
    form = SubscriptionForm(posted(request), contracts=_contract_choices(actor))
    if request.method == "POST" and form.validated():
        sub = submit(form, lambda: services.create_subscription(actor, form.values(creating=True)))
        if sub is not None:
            messages.success(request, f"{sub.name} is set up.")
            return redirect("webhook-detail", sub.pk)
    context = {
        "form": form,
        "heading": "New integration",
        "channels": registry.subscription_channels(),
    }
    return render(request, "notifications/subscription_form.html", context, status=form.status)


@member_view
def subscription_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    sub = _subscription(actor, pk)
    initial = {
        "channel": sub.channel,
        "name": sub.name,
        "url": sub.url,
        "event_types": sub.event_types,
        "contract": sub.contract_id,
        "active": sub.active,
        "version": sub.version,
    }
    form = SubscriptionForm(posted(request), initial=initial, contracts=_contract_choices(actor))
    if request.method == "POST" and form.validated():
        version = form.cleaned_data.get("version")
        saved = submit(
            form,
            lambda: services.update_subscription(actor, sub, form.values(creating=False), version),
        )
        if saved is not None:
            messages.success(request, f"{saved.name} is saved.")
            return redirect("webhook-detail", saved.pk)
    context = {
        "form": form,
        "heading": f"Edit {sub.name}",
        "subscription": sub,
        "channels": registry.subscription_channels(),
    }
    return render(request, "notifications/subscription_form.html", context, status=form.status)


@member_view
def subscription_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    sub = _subscription(actor, pk)
    deliveries = Delivery.objects.filter(subscription=sub).prefetch_related("attempt_rows")
    context = {
        "subscription": sub,
        "label": registry.get(sub.channel).label,
        "page_obj": paginate(request, deliveries),
    }
    return render(request, "notifications/subscription_detail.html", context)


@member_view
def subscription_delete(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    sub = _subscription(actor, pk)
    if request.method == "POST":
        services.delete_subscription(actor, sub)
        messages.success(request, f"{sub.name} is deleted.")
        return redirect("webhook-list")
    context = {
        "what": "integration",
        "object": sub,
        "action": reverse("webhook-delete", args=[sub.pk]),
        "cancel": reverse("webhook-detail", args=[sub.pk]),
        "warning": "Its delivery history goes with it. The audit trail keeps the deletion.",
    }
    return render(request, "web/confirm_delete.html", context)


@member_view
@require_POST
def subscription_ping(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    sub = _subscription(actor, pk)
    services.ping(actor, sub)
    messages.success(request, "A test message is on its way; its attempt shows below.")
    return redirect("webhook-detail", sub.pk)


@member_view
@require_POST
def subscription_rotate(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    sub = services.rotate_secret(actor, _subscription(actor, pk))
    messages.success(request, "A new signing secret is in force; update your receiver.")
    return redirect("webhook-detail", sub.pk)


@member_view
@require_POST
def redeliver(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    _admin(actor)
    delivery = get_visible(
        Delivery.objects.filter(
            organisation=actor.organisation, subscription__isnull=False
        ).select_related("subscription"),
        pk,
        "delivery",
    )
    services.redeliver(actor, delivery)
    messages.success(request, f"Delivery {delivery.pk} is queued again.")
    assert delivery.subscription_id is not None
    return redirect("webhook-detail", delivery.subscription_id)


# --- sent mail (embedded mode) ----------------------------------------------------------------


@member_view
def mail_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    _admin(actor)
    context = {
        "mails": mailbox.listing(actor.organisation.pk),
        "undelivered": sending.undelivered_mail(actor.organisation.pk),
        "embedded": mailbox.embedded(),
        "folder": mailbox.folder(),
    }
    return render(request, "notifications/mail_list.html", context)


# The preview iframe (sandboxed, no scripts) shows the e-mail as sent, with its inline styles.
@csp_update({"style-src": ["'unsafe-inline'"]})
@member_view
def mail_detail(request: HttpRequest, name: str) -> HttpResponse:
    actor = actor_of(request)
    _admin(actor)
    mail = mailbox.read(actor.organisation.pk, name)
    if mail is None:
        raise Http404("no such message")
    return render(request, "notifications/mail_detail.html", {"mail": mail})

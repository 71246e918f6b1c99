"""Sending the subscribed reports: each due subscription is claimed with a conditional UPDATE
(its next date moves on), so several workers never send the same report twice, then its PDF
is built as its subscriber (their permissions, at that moment) and e-mailed."""

from __future__ import annotations

import logging
from datetime import date

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone

from pactline.accounts.models import Membership
from pactline.accounts.permissions import Actor
from pactline.reports.models import ReportKind, ReportSubscription
from pactline.reports.queries import PortfolioFilter
from pactline.reports.services import next_send

log = logging.getLogger(__name__)


def _claim(sub: ReportSubscription, today: date) -> bool:
    claimed = ReportSubscription.objects.filter(pk=sub.pk, next_send_on=sub.next_send_on).update(
        next_send_on=next_send(sub.frequency, today), last_sent_at=timezone.now()
    )
    return claimed == 1


def send_one(sub: ReportSubscription) -> bool:
    from pactline.reports.documents import contract_pdf, portfolio_pdf

    membership = (
        Membership.objects.select_related("organisation", "user")
        .filter(user_id=sub.user_id, organisation_id=sub.organisation_id, user__is_active=True)
        .first()
    )
    if membership is None:
        sub.delete()  # no longer a member: nothing to send, ever
        return False
    actor = Actor.for_membership(membership)
    if sub.kind == ReportKind.CONTRACT and sub.contract is not None:
        from pactline.accounts import permissions

        if not permissions.visible_contracts(actor).filter(pk=sub.contract_id).exists():
            return False
        content, name = contract_pdf(actor, sub.contract), f"{sub.contract.number}-status.pdf"
    else:
        content, name = portfolio_pdf(actor, PortfolioFilter()), "portfolio-status.pdf"
    from pactline.accounts.terminology import terms_of

    words = terms_of(actor.organisation)  # the organisation's words, as on its pages
    title = f"{words.contract} status" if sub.kind == ReportKind.CONTRACT else "Portfolio status"
    message = EmailMessage(
        subject=f"{title} — {actor.organisation.name}",
        body=f"Your {sub.get_frequency_display().lower()} {title.lower()} report is attached.\n",
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[membership.user.email],
    )
    message.attach(name, content, "application/pdf")
    message.send()
    return True


def send_due(today: date | None = None) -> int:
    """Send every subscription due today or earlier; returns how many went out."""
    today = today or timezone.localdate()
    sent = 0
    due = ReportSubscription.objects.filter(next_send_on__lte=today).select_related("contract")
    for sub in due.order_by("pk")[:1000]:
        if not _claim(sub, today):
            continue
        try:
            sent += send_one(sub)
        except Exception:  # one broken report must not stop the others; the next run retries
            log.exception("report subscription %s failed", sub.pk)
            ReportSubscription.objects.filter(pk=sub.pk).update(next_send_on=sub.next_send_on)
    return sent

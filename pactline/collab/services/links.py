"""Signed links for contacts without an account: one milestone, one purpose (submit a
deliverable, or accept / reject), an expiry, and revocation. Only the token's SHA-256 is kept;
the raw link goes out once, by e-mail. Whatever is done through a link is recorded as done by
the contact (the event's actor label names them)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from pactline.accounts import permissions
from pactline.accounts.models import Role
from pactline.accounts.permissions import Actor, require
from pactline.activity.services import record
from pactline.collab.models import ContactLink, LinkPurpose, hash_link_token
from pactline.contracts.models import Contact
from pactline.errors import ValidationFailed
from pactline.milestones.models import Milestone

MAX_LINK_DAYS = 90
MAX_TOKEN_LENGTH = 200


def _check(milestone: Milestone, contact: Contact, purpose: str, days: int) -> None:
    errors = {}
    if purpose not in LinkPurpose.values:
        errors["purpose"] = f"must be one of {', '.join(LinkPurpose.values)}"
    if not contact.email:
        errors["contact_id"] = "this contact has no e-mail address"
    elif not milestone.contract.parties.filter(pk=contact.party_id).exists():
        errors["contact_id"] = "is not a contact of a party to this contract"
    if not 1 <= days <= MAX_LINK_DAYS:
        errors["days"] = f"must be from 1 to {MAX_LINK_DAYS}"
    if errors:
        raise ValidationFailed(errors)


def link_url(raw: str) -> str:
    return settings.BASE_URL + reverse("contact-link", args=[raw])


@transaction.atomic
def create_link(
    actor: Actor, milestone: Milestone, contact: Contact, purpose: str, days: int | None = None
) -> tuple[ContactLink, str]:
    """Create a link and e-mail it to the contact (after the commit); returns the raw link
    token too, shown once to the sender."""
    require(permissions.can_send_contact_links(actor), "only managers and above send links")
    days = settings.PACTLINE_CONTACT_LINK_DAYS if days is None else days
    _check(milestone, contact, purpose, days)
    raw = ContactLink.generate()
    link = ContactLink.objects.create(
        organisation=actor.organisation,
        contact=contact,
        milestone=milestone,
        purpose=purpose,
        token_hash=hash_link_token(raw),
        created_by=actor.user,
        expires_at=timezone.now() + timedelta(days=days),
    )
    record(
        actor,
        "link_sent",
        milestone,
        contract_id=milestone.contract_id,
        summary=f"{actor.name} sent {contact.name} <{contact.email}> a link to "
        f"{link.get_purpose_display().lower()} for {milestone.title}",
        changes={
            "contact": {"before": None, "after": f"{contact.name} <{contact.email}>"},
            "purpose": {"before": None, "after": purpose},
            "expires_at": {"before": None, "after": link.expires_at},
        },
    )
    transaction.on_commit(lambda: _send(link, raw))
    return link, raw


def _send(link: ContactLink, raw: str) -> None:
    from pactline.accounts.terminology import terms_of

    milestone = link.milestone
    words = terms_of(link.organisation)
    body = (
        f"Hello {link.contact.name},\n\n"
        f"{link.created_by.display_name if link.created_by else 'Someone'} of "
        f"{link.organisation.name} asks you to {link.get_purpose_display().lower()} for "
        f'"{milestone.title}" ({words.contract_lower} {milestone.contract.number}).\n\n'
        f"Open this link (valid until {link.expires_at:%d %b %Y}):\n{link_url(raw)}\n\n"
        f"Anyone with this link can act on this {words.milestone_lower} in your name: do not "
        "forward it.\n"
    )
    send_mail(
        f"{link.organisation.name}: {milestone.title}",
        body,
        None,
        [link.contact.email],
    )


@transaction.atomic
def revoke_link(actor: Actor, link: ContactLink) -> ContactLink:
    require(permissions.can_send_contact_links(actor), "only managers and above revoke links")
    if link.revoked_at is not None:
        return link
    link.revoked_at = timezone.now()
    link.save(update_fields=["revoked_at"])
    record(
        actor,
        "link_revoked",
        link.milestone,
        contract_id=link.milestone.contract_id,
        summary=f"{actor.name} revoked the link of {link.contact.name} for {link.milestone.title}",
        changes={
            "contact": {"before": f"{link.contact.name} <{link.contact.email}>", "after": None}
        },
    )
    return link


def find_link(raw: str) -> ContactLink | None:
    """The active link a raw token stands for; unknown, expired and revoked are all None."""
    if not raw or len(raw) > MAX_TOKEN_LENGTH:
        return None
    link = (
        ContactLink.objects.select_related(
            "organisation", "contact", "contact__party", "milestone", "milestone__contract"
        )
        .filter(token_hash=hash_link_token(raw))
        .first()
    )
    if link is None or not link.is_active:
        return None
    return link


def link_actor(link: ContactLink) -> Actor:
    """The contact, acting through the link. The link's view allows only its one purpose; the
    label names the contact in every event."""
    label = f"{link.contact.name} <{link.contact.email}> (signed link)"
    return Actor(organisation=link.organisation, user=None, role=Role.OWNER, label=label[:254])


def use_link(link: ContactLink) -> None:
    """Stamp the link's last use (no event: the action itself is the event)."""
    now = timezone.now()
    ContactLink.objects.filter(pk=link.pk).update(last_used_at=now)
    link.last_used_at = now

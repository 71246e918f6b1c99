"""Signed links for contacts without an account (managers and above): list, send, revoke.
The raw link is in the e-mail to the contact and in the answer to the sender, once."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from pactline.accounts import permissions
from pactline.accounts.permissions import require
from pactline.api_auth import actor_of
from pactline.api_common import (
    CREATE_ERRORS,
    DELETE_ERRORS,
    Id,
    InSchema,
    error_responses,
    find_or_invalid,
    get_or_404,
)
from pactline.collab import services
from pactline.collab.models import ContactLink, LinkPurpose
from pactline.collab.services.links import link_url
from pactline.contracts.models import Contact

router = Router(tags=["contact links"])
MANAGERS = "only managers and above send and see signed links"


class ContactLinkIn(InSchema):
    contact_id: Id
    purpose: LinkPurpose
    days: int = Field(14, ge=1, le=90, description="how long the link works")


class ContactLinkOut(Schema):
    id: int
    milestone_id: int
    contact_id: int
    contact_name: str = Field(alias="contact.name")
    contact_email: str = Field(alias="contact.email")
    purpose: str
    created_by_id: int | None
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None
    active: bool = Field(alias="is_active")


class ContactLinkCreatedOut(ContactLinkOut):
    url: str = Field(description="the signed link, shown this once (it was e-mailed too)")


def _milestone(request: HttpRequest, milestone_id: int) -> Any:
    actor = actor_of(request)
    qs = permissions.visible_milestones(actor).select_related("contract")
    milestone = get_or_404(qs, milestone_id, "milestone")
    require(permissions.can_send_contact_links(actor), MANAGERS)
    return milestone


@router.get(
    "/milestones/{milestone_id}/contact-links",
    response={200: list[ContactLinkOut], **error_responses(401, 403, 404, 422)},
    url_name="milestone-contact-link-list",
    summary="List the signed links sent for a milestone",
)
def list_links(request: HttpRequest, milestone_id: int) -> Any:
    milestone = _milestone(request, milestone_id)
    return milestone.contact_links.select_related("contact").order_by("-created_at")


@router.post(
    "/milestones/{milestone_id}/contact-links",
    response={201: ContactLinkCreatedOut, **CREATE_ERRORS},
    url_name="milestone-contact-link-create",
    summary="E-mail a contact a signed link to submit, or to accept or reject, a milestone",
)
def create_link(
    request: HttpRequest, milestone_id: int, payload: ContactLinkIn
) -> Status[ContactLink]:
    actor = actor_of(request)
    milestone = _milestone(request, milestone_id)
    contacts = Contact.objects.filter(party__in=permissions.visible_parties(actor))
    contact = find_or_invalid(contacts, payload.contact_id, "contact_id")
    link, raw = services.create_link(actor, milestone, contact, payload.purpose, payload.days)
    link.url = link_url(raw)  # type: ignore[attr-defined]
    return Status(201, link)


@router.delete(
    "/contact-links/{link_id}",
    response={204: None, **DELETE_ERRORS},
    url_name="contact-link-delete",
    summary="Revoke a signed link: it stops working at once",
)
def revoke_link(request: HttpRequest, link_id: int) -> Status[None]:
    actor = actor_of(request)
    links = ContactLink.objects.select_related("milestone", "contact").filter(
        milestone__in=permissions.visible_milestones(actor)
    )
    link = get_or_404(links, link_id, "link")
    services.revoke_link(actor, link)
    return Status(204, None)

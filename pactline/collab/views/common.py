"""Scoped lookups and the redirect back to the page a panel was posted from."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from pactline.accounts import permissions
from pactline.accounts.permissions import Actor, get_visible
from pactline.collab.models import Comment, Document, DocumentVersion
from pactline.contracts.models import Contract
from pactline.milestones.models import Milestone
from pactline.web.http import back_url


def contract_of(actor: Actor, pk: int) -> Contract:
    return get_visible(permissions.visible_contracts(actor), pk, "contract")


def milestone_of(actor: Actor, pk: int) -> Milestone:
    qs = permissions.visible_milestones(actor).select_related("contract")
    return get_visible(qs, pk, "milestone")


def comment_of(actor: Actor, pk: int) -> Comment:
    qs = permissions.visible_comments(actor).select_related("contract", "milestone")
    return get_visible(qs, pk, "comment")


def document_of(actor: Actor, pk: int) -> Document:
    qs = permissions.visible_documents(actor).select_related("contract", "milestone")
    return get_visible(qs, pk, "document")


def version_of(actor: Actor, pk: int) -> DocumentVersion:
    qs = DocumentVersion.objects.select_related("document").filter(
        document__in=permissions.visible_documents(actor)
    )
    return get_visible(qs, pk, "document version")


def page_of(obj: Contract | Milestone, anchor: str = "") -> str:
    name = "milestone-detail" if isinstance(obj, Milestone) else "contract-detail"
    from django.urls import reverse

    return reverse(name, args=[obj.pk]) + (f"#{anchor}" if anchor else "")


def back_to(request: HttpRequest, obj: Contract | Milestone, anchor: str = "") -> HttpResponse:
    return redirect(back_url(request, page_of(obj, anchor)))

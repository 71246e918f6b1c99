"""Panels that contract and milestone pages include: comments, documents, and the acceptance
exchange (submissions and decisions, with deliverables and the signed links sent)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from pactline.accounts import permissions
from pactline.accounts.permissions import Actor
from pactline.activity.queries import subject_history
from pactline.collab.forms import CommentForm, ContactLinkForm, DocumentForm, SubmitForm
from pactline.collab.models import Comment
from pactline.collab.rendering import render_markdown
from pactline.contracts.models import Contract
from pactline.milestones.models import Milestone, MilestoneStatus

register = template.Library()

EXCHANGE = {MilestoneStatus.SUBMITTED, MilestoneStatus.ACCEPTED, MilestoneStatus.REJECTED}


@register.filter
def markdown(text: str) -> SafeString:
    return render_markdown(text or "")


def _split(obj: Contract | Milestone) -> tuple[Contract, Milestone | None]:
    if isinstance(obj, Milestone):
        return obj.contract, obj
    return obj, None


def _comments(actor: Actor, obj: Contract | Milestone) -> list[Comment]:
    contract, milestone = _split(obj)
    qs = permissions.visible_comments(actor).filter(contract=contract, milestone=milestone)
    rows = list(qs.select_related("author").order_by("created_at", "pk"))
    for c in rows:
        c.can_edit = not c.is_deleted and permissions.can_edit_comment(actor, c)
        c.can_delete = not c.is_deleted and permissions.can_delete_comment(actor, c)
    return rows


@register.inclusion_tag("collab/_comments.html", takes_context=True)
def comments_panel(context: template.Context, obj: Contract | Milestone) -> dict[str, Any]:
    actor: Actor = context["actor"]
    _contract, milestone = _split(obj)
    may = (
        permissions.can_comment_on_milestone(actor, milestone)
        if milestone
        else permissions.can_comment_on_contract(actor)
    )
    return {
        "object": obj,
        "kind": "milestone" if milestone else "contract",
        "comments": _comments(actor, obj),
        "form": CommentForm(auto_id="comment_%s") if may else None,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("collab/_documents.html", takes_context=True)
def documents_panel(context: template.Context, obj: Contract | Milestone) -> dict[str, Any]:
    actor: Actor = context["actor"]
    contract, milestone = _split(obj)
    documents = (
        permissions.visible_documents(actor)
        .filter(contract=contract, milestone=milestone)
        .prefetch_related("versions")
    )
    may = (
        permissions.can_upload_milestone_document(actor, milestone)
        if milestone
        else permissions.can_upload_contract_document(actor)
    )
    return {
        "object": obj,
        "kind": "milestone" if milestone else "contract",
        "documents": documents,
        "form": DocumentForm(auto_id="document_%s") if may else None,
        "csrf_token": context.get("csrf_token"),
    }


def exchange(actor: Actor, milestone: Milestone) -> list[dict[str, Any]]:
    """Submissions and decisions, oldest first: who, when, what, the note, the deliverables."""
    rows = []
    events = subject_history(actor, "milestone", milestone.pk).filter(verb="status_changed")
    for event in reversed(list(events)):
        status = (event.changes.get("status") or {}).get("after")
        if status not in EXCHANGE:
            continue
        rows.append(
            {
                "event": event,
                "status": status,
                "who": event.actor.display_name if event.actor else event.actor_label,
                "note": (event.changes.get("note") or {}).get("after") or "",
                "deliverables": (event.changes.get("deliverables") or {}).get("after") or [],
            }
        )
    return rows


@register.inclusion_tag("collab/_acceptance.html", takes_context=True)
def acceptance_panel(context: template.Context, milestone: Milestone) -> dict[str, Any]:
    actor: Actor = context["actor"]
    from pactline.milestones.services import allowed_transitions

    can_submit = MilestoneStatus.SUBMITTED in allowed_transitions(actor, milestone)
    links = permissions.can_send_contact_links(actor)
    return {
        "milestone": milestone,
        "exchange": exchange(actor, milestone),
        "submit_form": SubmitForm(auto_id="submit_%s", initial={"version": milestone.version})
        if can_submit
        else None,
        "link_form": ContactLinkForm(milestone.contract, auto_id="link_%s") if links else None,
        "links": milestone.contact_links.select_related("contact").order_by("-created_at")
        if links
        else [],
        "csrf_token": context.get("csrf_token"),
    }

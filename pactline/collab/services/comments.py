"""Comments on contracts and milestones: written, edited and deleted by their authors, with
every earlier text kept as a CommentRevision and every step an event. Mentions notify."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from pactline.accounts import permissions
from pactline.accounts.permissions import Actor, require
from pactline.activity.services import record
from pactline.collab.mentions import mentioned_people
from pactline.collab.models import Comment, CommentRevision
from pactline.contracts.models import Contract
from pactline.errors import Forbidden
from pactline.milestones.models import Milestone
from pactline.validation import Errors, check_required_text
from pactline.versioning import bump, lock

MAX_BODY = 10_000
EXCERPT = 140


def _check_body(body: str) -> str:
    errors = Errors()
    check_required_text(errors, "body", body, MAX_BODY)
    if isinstance(body, str) and "\x00" in body:
        errors.add("body", "must not contain NUL characters")
    errors.raise_if_any()
    return body.strip()


def _target(comment: Comment) -> Contract | Milestone:
    return comment.milestone if comment.milestone_id else comment.contract


def _excerpt(body: str) -> str:
    flat = " ".join(body.split())
    return flat if len(flat) <= EXCERPT else flat[: EXCERPT - 1] + "…"


def _sees(actor: Actor, comment: Comment) -> bool:
    return permissions.visible_comments(actor).filter(pk=comment.pk).exists()


def _mention(actor: Actor, comment: Comment, already: set[int]) -> list[int]:
    """Record one "mentioned" event naming the people newly mentioned who can see the comment;
    the notifications outbox turns it into a notification for each of them."""
    people = [
        m
        for m in mentioned_people(actor, comment.body)
        if m.user_id not in already
        and m.user_id != actor.user_id
        and _sees(Actor.for_membership(m), comment)
    ]
    if not people:
        return []
    target = _target(comment)
    ids = [m.user_id for m in people]
    record(
        actor,
        "mentioned",
        target,
        contract_id=comment.contract_id,
        summary=f"{actor.name} mentioned {', '.join(m.user.email for m in people)} "
        f"on {target}: {_excerpt(comment.body)}",
        changes={
            "comment_id": {"before": None, "after": comment.pk},
            "mentioned_ids": {"before": None, "after": ids},
            "mentioned": {"before": None, "after": [m.user.email for m in people]},
        },
    )
    return ids


@transaction.atomic
def add_comment(
    actor: Actor, contract: Contract, body: str, milestone: Milestone | None = None
) -> Comment:
    if milestone is not None:
        require(
            permissions.can_comment_on_milestone(actor, milestone),
            "you may not comment on this milestone",
        )
    else:
        require(permissions.can_comment_on_contract(actor), "you may not comment on contracts")
    text = _check_body(body)
    comment = Comment.objects.create(
        organisation=actor.organisation,
        contract=contract,
        milestone=milestone,
        author=actor.user,
        author_label=actor.name,
        body=text,
    )
    target = _target(comment)
    record(
        actor,
        "commented",
        target,
        contract_id=contract.pk,
        summary=f"{actor.name} commented on {target}: {_excerpt(text)}",
        changes={
            "comment_id": {"before": None, "after": comment.pk},
            "body": {"before": None, "after": text},
        },
    )
    _mention(actor, comment, already=set())
    return comment


def _keep_revision(actor: Actor, comment: Comment) -> None:
    CommentRevision.objects.create(
        comment=comment,
        body=comment.body,
        written_at=comment.edited_at or comment.created_at,
        replaced_by=actor.user,
    )


@transaction.atomic
def edit_comment(
    actor: Actor, comment: Comment, body: str, expected_version: int | None = None
) -> Comment:
    require(permissions.can_edit_comment(actor, comment), "only its author edits a comment")
    comment = lock(comment, expected_version)
    if comment.is_deleted:
        raise Forbidden("a deleted comment cannot be edited")
    text = _check_body(body)
    if text == comment.body:
        return comment
    already = {m.user_id for m in mentioned_people(actor, comment.body)}
    before = comment.body
    _keep_revision(actor, comment)
    comment.body = text
    comment.edited_at = timezone.now()
    bump(comment)
    comment.save()
    record(
        actor,
        "comment_edited",
        _target(comment),
        contract_id=comment.contract_id,
        summary=f"{actor.name} edited a comment on {_target(comment)}",
        changes={
            "comment_id": {"before": comment.pk, "after": comment.pk},
            "body": {"before": before, "after": text},
        },
    )
    _mention(actor, comment, already=already)
    return comment


@transaction.atomic
def delete_comment(actor: Actor, comment: Comment, expected_version: int | None = None) -> None:
    """The comment stays as "deleted"; its text moves to the revisions (the history)."""
    require(permissions.can_delete_comment(actor, comment), "you may not delete this comment")
    comment = lock(comment, expected_version)
    if comment.is_deleted:
        return
    before = comment.body
    _keep_revision(actor, comment)
    comment.body = ""
    comment.deleted_at = timezone.now()
    bump(comment)
    comment.save()
    record(
        actor,
        "comment_deleted",
        _target(comment),
        contract_id=comment.contract_id,
        summary=f"{actor.name} deleted a comment by {comment.author_label} on {_target(comment)}",
        changes={
            "comment_id": {"before": comment.pk, "after": None},
            "body": {"before": before, "after": None},
        },
    )

"""Comments on contracts and milestones: list, write, read (with earlier texts), edit, delete."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from pactline.accounts import permissions
from pactline.api_auth import actor_of
from pactline.api_common import (
    CREATE_ERRORS,
    DELETE_ERRORS,
    READ_ERRORS,
    WRITE_ERRORS,
    InSchema,
    Page,
    PageParams,
    Version,
    expected_version,
    get_or_404,
    paginate,
)
from pactline.collab import services
from pactline.collab.models import Comment
from pactline.collab.rendering import render_markdown

router = Router(tags=["comments"])


class CommentIn(InSchema):
    body: str = Field(
        min_length=1, max_length=10_000, description="Markdown; @name mentions notify people"
    )


class CommentPatch(CommentIn):
    version: Version | None = None


class RevisionOut(Schema):
    body: str
    written_at: datetime
    replaced_at: datetime
    replaced_by_id: int | None


class CommentOut(Schema):
    id: int
    contract_id: int
    milestone_id: int | None
    author_id: int | None
    author_label: str
    body: str = Field(description="Markdown as written; empty once deleted")
    html: str = Field(description="the body rendered and sanitised")
    created_at: datetime
    edited_at: datetime | None
    deleted_at: datetime | None
    version: int

    @staticmethod
    def resolve_html(obj: Comment) -> str:
        return str(render_markdown(obj.body))


class CommentDetailOut(CommentOut):
    revisions: list[RevisionOut] = Field(description="earlier texts, oldest first")

    @staticmethod
    def resolve_revisions(obj: Comment) -> list[Any]:
        return list(obj.revisions.order_by("pk"))


def _comments(request: HttpRequest) -> QuerySet[Comment]:
    return permissions.visible_comments(actor_of(request)).order_by("created_at", "pk")


@router.get(
    "/contracts/{contract_id}/comments",
    response={200: Page[CommentOut], **READ_ERRORS},
    url_name="contract-comment-list",
    summary="List a contract's own comments (not its milestones')",
)
def list_contract_comments(
    request: HttpRequest, contract_id: int, page: Query[PageParams]
) -> dict[str, Any]:
    actor = actor_of(request)
    contract = get_or_404(permissions.visible_contracts(actor), contract_id, "contract")
    return paginate(_comments(request).filter(contract=contract, milestone=None), page)


@router.post(
    "/contracts/{contract_id}/comments",
    response={201: CommentOut, **CREATE_ERRORS},
    url_name="contract-comment-create",
    summary="Comment on a contract",
)
def create_contract_comment(
    request: HttpRequest, contract_id: int, payload: CommentIn
) -> Status[Comment]:
    actor = actor_of(request)
    contract = get_or_404(permissions.visible_contracts(actor), contract_id, "contract")
    return Status(201, services.add_comment(actor, contract, payload.body))


@router.get(
    "/milestones/{milestone_id}/comments",
    response={200: Page[CommentOut], **READ_ERRORS},
    url_name="milestone-comment-list",
    summary="List a milestone's comments",
)
def list_milestone_comments(
    request: HttpRequest, milestone_id: int, page: Query[PageParams]
) -> dict[str, Any]:
    actor = actor_of(request)
    milestone = get_or_404(permissions.visible_milestones(actor), milestone_id, "milestone")
    return paginate(_comments(request).filter(milestone=milestone), page)


@router.post(
    "/milestones/{milestone_id}/comments",
    response={201: CommentOut, **CREATE_ERRORS},
    url_name="milestone-comment-create",
    summary="Comment on a milestone",
)
def create_milestone_comment(
    request: HttpRequest, milestone_id: int, payload: CommentIn
) -> Status[Comment]:
    actor = actor_of(request)
    qs = permissions.visible_milestones(actor).select_related("contract")
    milestone = get_or_404(qs, milestone_id, "milestone")
    comment = services.add_comment(actor, milestone.contract, payload.body, milestone=milestone)
    return Status(201, comment)


@router.get(
    "/comments/{comment_id}",
    response={200: CommentDetailOut, **READ_ERRORS},
    url_name="comment-detail",
    summary="Get a comment with its earlier texts",
)
def get_comment(request: HttpRequest, comment_id: int) -> Comment:
    return get_or_404(_comments(request), comment_id, "comment")


@router.patch(
    "/comments/{comment_id}",
    response={200: CommentDetailOut, **WRITE_ERRORS},
    url_name="comment-update",
    summary="Edit your comment (the earlier text is kept)",
)
def update_comment(request: HttpRequest, comment_id: int, payload: CommentPatch) -> Comment:
    actor = actor_of(request)
    comment = get_or_404(_comments(request), comment_id, "comment")
    version = expected_version(request, payload.version)
    return services.edit_comment(actor, comment, payload.body, version)


@router.delete(
    "/comments/{comment_id}",
    response={204: None, **DELETE_ERRORS},
    url_name="comment-delete",
    summary="Delete a comment (yours; admins any): its text stays in the history",
)
def delete_comment(request: HttpRequest, comment_id: int) -> Status[None]:
    actor = actor_of(request)
    comment = get_or_404(_comments(request), comment_id, "comment")
    services.delete_comment(actor, comment, expected_version(request, None))
    return Status(204, None)

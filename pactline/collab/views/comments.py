"""Writing, editing and deleting comments; a comment's earlier texts."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from pactline.accounts import permissions
from pactline.accounts.permissions import require
from pactline.collab import services
from pactline.collab.forms import CommentForm
from pactline.collab.views.common import back_to, comment_of, contract_of, milestone_of, page_of
from pactline.errors import ValidationFailed
from pactline.web.forms import submit
from pactline.web.http import actor_of, portal_view, posted


def _problems(request: HttpRequest, form: CommentForm) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, f"The comment was not saved: {error}")


@portal_view
@require_POST
def contract_comment_add(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    contract = contract_of(actor, pk)
    require(permissions.can_comment_on_contract(actor), "Guests comment on milestones only.")
    form = CommentForm(request.POST)
    if form.validated() and submit(
        form, lambda: services.add_comment(actor, contract, form.cleaned_data["body"])
    ):
        messages.success(request, "Comment added.")
    else:
        _problems(request, form)
    return back_to(request, contract, "comments")


@portal_view
@require_POST
def milestone_comment_add(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    milestone = milestone_of(actor, pk)
    require(
        permissions.can_comment_on_milestone(actor, milestone),
        "You may not comment on this milestone.",
    )
    form = CommentForm(request.POST)
    if form.validated() and submit(
        form,
        lambda: services.add_comment(
            actor, milestone.contract, form.cleaned_data["body"], milestone=milestone
        ),
    ):
        messages.success(request, "Comment added.")
    else:
        _problems(request, form)
    return back_to(request, milestone, "comments")


@portal_view
def comment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    comment = comment_of(actor, pk)
    require(permissions.can_edit_comment(actor, comment), "Only its author edits a comment.")
    initial = {"body": comment.body, "version": comment.version}
    form = CommentForm(posted(request), initial=initial)
    target = comment.milestone or comment.contract
    if request.method == "POST" and form.validated():
        d = form.cleaned_data
        if submit(form, lambda: services.edit_comment(actor, comment, d["body"], d["version"])):
            messages.success(request, "Comment saved.")
            return back_to(request, target, f"comment-{comment.pk}")
    context = {"form": form, "comment": comment, "back": page_of(target, "comments")}
    return render(request, "collab/comment_form.html", context, status=form.status)


@portal_view
@require_POST
def comment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    comment = comment_of(actor, pk)
    target = comment.milestone or comment.contract
    require(permissions.can_delete_comment(actor, comment), "You may not delete this comment.")
    try:
        services.delete_comment(actor, comment)
    except ValidationFailed as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Comment deleted; its text stays in the history.")
    return back_to(request, target, "comments")


@portal_view
def comment_history(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    comment = comment_of(actor, pk)
    target = comment.milestone or comment.contract
    context = {
        "comment": comment,
        "revisions": comment.revisions.select_related("replaced_by").order_by("-pk"),
        "back": page_of(target, f"comment-{comment.pk}"),
        "history_url": reverse("comment-history", args=[comment.pk]),
    }
    return render(request, "collab/comment_history.html", context)

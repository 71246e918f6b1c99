"""Finish-to-start links between milestones of one contract, with a lag."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Status

from pactline.accounts import permissions
from pactline.accounts.permissions import Actor
from pactline.api_auth import actor_of
from pactline.api_common import (
    CREATE_ERRORS,
    DELETE_ERRORS,
    READ_ERRORS,
    Page,
    PageParams,
    get_or_404,
    paginate,
)
from pactline.milestones import services
from pactline.milestones.api import lookups
from pactline.milestones.api.schemas import DependencyIn, DependencyOut
from pactline.milestones.models import Dependency

router = Router(tags=["dependencies"])


def _dependencies(actor: Actor) -> QuerySet[Dependency]:
    return permissions.visible_dependencies(actor).select_related("predecessor", "successor")


def _dependency(actor: Actor, dependency_id: int) -> Dependency:
    return get_or_404(_dependencies(actor), dependency_id, "dependency")


@router.get(
    "/milestones/{milestone_id}/dependencies",
    response={200: Page[DependencyOut], **READ_ERRORS},
    url_name="milestone-dependency-list",
    summary="List a milestone's links: what it follows and what follows it",
    description="Items where `successor_id` is this milestone are its predecessors; items where "
    "`predecessor_id` is this milestone are its successors.",
)
def list_dependencies(
    request: HttpRequest, milestone_id: int, page: Query[PageParams]
) -> dict[str, Any]:
    actor = actor_of(request)
    milestone = lookups.milestone(actor, milestone_id)
    links = _dependencies(actor).filter(Q(successor=milestone) | Q(predecessor=milestone))
    return paginate(links.order_by("pk"), page)


@router.post(
    "/milestones/{milestone_id}/dependencies",
    response={201: DependencyOut, **CREATE_ERRORS},
    url_name="milestone-dependency-create",
    summary="Make a milestone follow another one (managers)",
    description="Finish-to-start: the milestone is due no earlier than the predecessor's finish "
    "(its completion, else its due date) plus `lag`. Its successors move in the same "
    "transaction. A link that would close a loop is a 422 on `predecessor_id` naming the cycle.",
)
def create_dependency(
    request: HttpRequest, milestone_id: int, payload: DependencyIn
) -> Status[Dependency]:
    actor = actor_of(request)
    milestone = lookups.milestone(actor, milestone_id)
    dep = services.add_dependency(
        actor, milestone, payload.predecessor_id, lag=payload.lag, lag_unit=payload.lag_unit
    )
    return Status(201, _dependency(actor, dep.pk))


@router.get(
    "/dependencies/{dependency_id}",
    response={200: DependencyOut, **READ_ERRORS},
    url_name="dependency-detail",
    summary="Get a dependency",
)
def get_dependency(request: HttpRequest, dependency_id: int) -> Dependency:
    return _dependency(actor_of(request), dependency_id)


@router.delete(
    "/dependencies/{dependency_id}",
    response={204: None, **DELETE_ERRORS},
    url_name="dependency-delete",
    summary="Remove a dependency (managers)",
    description="The successor's dates are computed again without it.",
)
def delete_dependency(request: HttpRequest, dependency_id: int) -> Status[None]:
    actor = actor_of(request)
    services.remove_dependency(actor, _dependency(actor, dependency_id))
    return Status(204, None)

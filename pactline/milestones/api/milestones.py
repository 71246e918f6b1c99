"""Milestones: list, create, read, change, delete, move through statuses, reorder."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from pactline.accounts import permissions
from pactline.accounts.permissions import Actor
from pactline.api_auth import actor_of
from pactline.api_cache import cached_answer
from pactline.api_common import (
    CREATE_ERRORS,
    DELETE_ERRORS,
    LIST_ERRORS,
    READ_ERRORS,
    WRITE_ERRORS,
    Page,
    PageParams,
    check_version,
    expected_version,
    find_or_invalid,
    lean_page,
)
from pactline.contracts.models import Contract
from pactline.customfields.api import cf_openapi, filter_list
from pactline.milestones import services
from pactline.milestones.api import lookups
from pactline.milestones.api.rows import listed_page
from pactline.milestones.api.schemas import (
    ApplyTemplateIn,
    ContractMilestonesIn,
    MilestoneCreate,
    MilestoneFilterIn,
    MilestoneIn,
    MilestoneOut,
    MilestonePatch,
    ReorderIn,
    TransitionIn,
)
from pactline.milestones.models import Milestone
from pactline.milestones.queries import MilestoneFilter, milestone_list

router = Router(tags=["milestones"])


def _create(actor: Actor, contract: Contract, payload: MilestoneIn) -> Milestone:
    data = payload.model_dump(exclude_unset=True)
    data.pop("contract_id", None)
    reason = data.pop("reason", "")
    return services.create_milestone(actor, contract, data, reason=reason)


@router.get(
    "/milestones",
    response={200: Page[MilestoneOut], **LIST_ERRORS},
    url_name="milestone-list",
    summary="List milestones across contracts",
    description="Filters combine; `health` and `status` repeat, e.g. `?health=overdue`.",
    openapi_extra=cf_openapi(),
)
def list_milestones(
    request: HttpRequest, filters: Query[MilestoneFilterIn], page: Query[PageParams]
) -> HttpResponse:
    wanted = MilestoneFilter(
        contract_id=filters.contract_id,
        status=filters.status,
        owner_id=filters.owner_id,
        party_id=filters.party_id,
        tag=filters.tag,
        due_before=filters.due_before,
        due_after=filters.due_after,
        health=filters.health,
        q=filters.q,
    )
    actor = actor_of(request)

    def render() -> HttpResponse:
        rows = milestone_list(actor, wanted, filters.ordering)
        found = listed_page(filter_list(rows, actor, "milestone", request, filters.ordering), page)
        return lean_page(request, MilestoneOut, found)

    return cached_answer(request, actor, render)


@router.post(
    "/milestones",
    response={201: MilestoneOut, **CREATE_ERRORS},
    url_name="milestone-create",
    summary="Add a milestone to the contract named by contract_id",
)
def create_milestone(request: HttpRequest, payload: MilestoneCreate) -> Status[Milestone]:
    actor = actor_of(request)
    contract = find_or_invalid(
        permissions.visible_contracts(actor), payload.contract_id, "contract_id"
    )
    return Status(201, lookups.milestone_out(actor, _create(actor, contract, payload).pk))


@router.get(
    "/contracts/{contract_id}/milestones",
    response={200: Page[MilestoneOut], **READ_ERRORS},
    url_name="contract-milestone-list",
    summary="List a contract's milestones, in their order",
)
def list_contract_milestones(
    request: HttpRequest,
    contract_id: int,
    options: Query[ContractMilestonesIn],
    page: Query[PageParams],
) -> HttpResponse:
    actor = actor_of(request)

    def render() -> HttpResponse:
        contract = lookups.contract(actor, contract_id)
        rows = milestone_list(actor, MilestoneFilter(contract_id=contract.pk), options.ordering)
        return lean_page(request, MilestoneOut, listed_page(rows, page))

    return cached_answer(request, actor, render)


@router.post(
    "/contracts/{contract_id}/milestones",
    response={201: MilestoneOut, **CREATE_ERRORS},
    url_name="contract-milestone-create",
    summary="Add a milestone to a contract",
)
def create_contract_milestone(
    request: HttpRequest, contract_id: int, payload: MilestoneIn
) -> Status[Milestone]:
    actor = actor_of(request)
    contract = lookups.contract(actor, contract_id)
    return Status(201, lookups.milestone_out(actor, _create(actor, contract, payload).pk))


@router.post(
    "/contracts/{contract_id}/milestones/reorder",
    response={200: Page[MilestoneOut], **WRITE_ERRORS},
    url_name="contract-milestone-reorder",
    summary="Put a contract's milestones in a new order",
)
def reorder_milestones(
    request: HttpRequest, contract_id: int, payload: ReorderIn
) -> dict[str, Any]:
    actor = actor_of(request)
    contract = lookups.contract(actor, contract_id)
    services.reorder(actor, contract, payload.ids)
    return lookups.page_of(actor, payload.ids)


@router.post(
    "/contracts/{contract_id}/apply-template",
    response={201: Page[MilestoneOut], **CREATE_ERRORS},
    url_name="contract-apply-template",
    summary="Add a template's milestones to a contract",
    description="Due dates follow the template's rules from the contract's dates.",
)
def apply_template(
    request: HttpRequest, contract_id: int, payload: ApplyTemplateIn
) -> Status[dict[str, Any]]:
    actor = actor_of(request)
    contract = lookups.contract(actor, contract_id)
    find_or_invalid(permissions.visible_templates(actor), payload.template_id, "template_id")
    created = services.apply_template(actor, contract, payload.template_id)
    return Status(201, lookups.page_of(actor, [m.pk for m in created]))


@router.get(
    "/milestones/{milestone_id}",
    response={200: MilestoneOut, **READ_ERRORS},
    url_name="milestone-detail",
    summary="Get a milestone",
)
def get_milestone(request: HttpRequest, milestone_id: int) -> Milestone:
    return lookups.milestone_out(actor_of(request), milestone_id)


@router.patch(
    "/milestones/{milestone_id}",
    response={200: MilestoneOut, **WRITE_ERRORS},
    url_name="milestone-update",
    summary="Change a milestone",
    description=(
        "Moving the due date, or setting `due_override`, needs a `reason`; everything that "
        "depends on the milestone moves with it. Owners and approvers are set by managers. "
        "`due_date` here is the rule's fixed date (for `due_anchor=absolute`)."
    ),
)
def update_milestone(request: HttpRequest, milestone_id: int, payload: MilestonePatch) -> Milestone:
    actor = actor_of(request)
    version = expected_version(request, payload.version)
    milestone = lookups.milestone(actor, milestone_id)
    data = lookups.changes(payload)
    reason = data.pop("reason", "")
    services.update_milestone(actor, milestone, data, version, reason=reason)
    return lookups.milestone_out(actor, milestone.pk)


@router.delete(
    "/milestones/{milestone_id}",
    response={204: None, **DELETE_ERRORS},
    url_name="milestone-delete",
    summary="Delete a milestone (managers)",
)
def delete_milestone(request: HttpRequest, milestone_id: int) -> Status[None]:
    actor = actor_of(request)
    milestone = lookups.milestone(actor, milestone_id)
    check_version(milestone, request)
    services.delete_milestone(actor, milestone)
    return Status(204, None)


@router.post(
    "/milestones/{milestone_id}/transition",
    response={200: MilestoneOut, **WRITE_ERRORS},
    url_name="milestone-transition",
    summary="Move a milestone to another status",
    description="`allowed_transitions` on the milestone lists the statuses you may choose.",
)
def transition_milestone(
    request: HttpRequest, milestone_id: int, payload: TransitionIn
) -> Milestone:
    actor = actor_of(request)
    version = expected_version(request, payload.version)
    milestone = lookups.milestone(actor, milestone_id)
    services.transition(
        actor,
        milestone,
        payload.status,
        expected_version=version,
        note=payload.note,
        completed_on=payload.completed_on,
    )
    return lookups.milestone_out(actor, milestone.pk)

"""Reminder policies: the organisation's, a contract's and a milestone's (get, put, delete)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from pactline.accounts import permissions
from pactline.accounts.permissions import Actor
from pactline.api_auth import actor_of
from pactline.api_common import (
    DELETE_ERRORS,
    READ_ERRORS,
    WRITE_ERRORS,
    expected_version,
    get_or_404,
)
from pactline.contracts.models import Contract
from pactline.milestones.models import Milestone
from pactline.notifications import policies, services
from pactline.notifications.api.schemas import PolicyIn, PolicyOut
from pactline.notifications.models import ReminderPolicy

router = Router(tags=["reminder policies"])


def _out(actor: Actor, contract: Contract | None, milestone: Milestone | None) -> dict[str, Any]:
    policy = policies.resolve(
        actor.organisation.pk,
        contract.pk if contract else None,
        milestone.pk if milestone else None,
    )
    rows = ReminderPolicy.objects.filter(organisation=actor.organisation, milestone=milestone)
    rows = rows.filter(contract=contract) if milestone is None else rows
    own = rows.first()
    return {**policies.as_dict(policy), "version": own.version if own else 0}


def _contract(actor: Actor, contract_id: int) -> Contract:
    return get_or_404(permissions.visible_contracts(actor), contract_id, "contract")


def _milestone(actor: Actor, milestone_id: int) -> Milestone:
    qs = permissions.visible_milestones(actor).select_related("contract")
    return get_or_404(qs, milestone_id, "milestone")


def _put(
    request: HttpRequest, payload: PolicyIn, contract: Contract | None, milestone: Milestone | None
) -> dict[str, Any]:
    actor = actor_of(request)
    version = expected_version(request, payload.version)
    data = payload.model_dump(exclude_unset=True)
    data.pop("version", None)
    services.set_policy(
        actor, data, contract=contract, milestone=milestone, expected_version=version
    )
    return _out(actor, contract, milestone)


@router.get(
    "/reminder-policy",
    response={200: PolicyOut, **READ_ERRORS},
    url_name="reminder-policy-detail",
    summary="The organisation's reminder policy",
)
def get_org_policy(request: HttpRequest) -> dict[str, Any]:
    return _out(actor_of(request), None, None)


@router.put(
    "/reminder-policy",
    response={200: PolicyOut, **WRITE_ERRORS},
    url_name="reminder-policy-update",
    summary="Set the organisation's reminder policy (admins)",
)
def put_org_policy(request: HttpRequest, payload: PolicyIn) -> dict[str, Any]:
    return _put(request, payload, None, None)


@router.get(
    "/contracts/{contract_id}/reminder-policy",
    response={200: PolicyOut, **READ_ERRORS},
    url_name="contract-reminder-policy-detail",
    summary="The reminder policy in force for a contract",
)
def get_contract_policy(request: HttpRequest, contract_id: int) -> dict[str, Any]:
    actor = actor_of(request)
    return _out(actor, _contract(actor, contract_id), None)


@router.put(
    "/contracts/{contract_id}/reminder-policy",
    response={200: PolicyOut, **WRITE_ERRORS},
    url_name="contract-reminder-policy-update",
    summary="Give a contract its own reminder policy (managers)",
)
def put_contract_policy(
    request: HttpRequest, contract_id: int, payload: PolicyIn
) -> dict[str, Any]:
    return _put(request, payload, _contract(actor_of(request), contract_id), None)


@router.delete(
    "/contracts/{contract_id}/reminder-policy",
    response={204: None, **DELETE_ERRORS},
    url_name="contract-reminder-policy-delete",
    summary="Remove a contract's own policy: the organisation's applies again",
)
def delete_contract_policy(request: HttpRequest, contract_id: int) -> Status[None]:
    actor = actor_of(request)
    services.clear_policy(actor, contract=_contract(actor, contract_id))
    return Status(204, None)


@router.get(
    "/milestones/{milestone_id}/reminder-policy",
    response={200: PolicyOut, **READ_ERRORS},
    url_name="milestone-reminder-policy-detail",
    summary="The reminder policy in force for a milestone",
)
def get_milestone_policy(request: HttpRequest, milestone_id: int) -> dict[str, Any]:
    actor = actor_of(request)
    milestone = _milestone(actor, milestone_id)
    return _out(actor, milestone.contract, milestone)


@router.put(
    "/milestones/{milestone_id}/reminder-policy",
    response={200: PolicyOut, **WRITE_ERRORS},
    url_name="milestone-reminder-policy-update",
    summary="Give a milestone its own reminder policy (managers)",
)
def put_milestone_policy(
    request: HttpRequest, milestone_id: int, payload: PolicyIn
) -> dict[str, Any]:
    milestone = _milestone(actor_of(request), milestone_id)
    return _put(request, payload, milestone.contract, milestone)


@router.delete(
    "/milestones/{milestone_id}/reminder-policy",
    response={204: None, **DELETE_ERRORS},
    url_name="milestone-reminder-policy-delete",
    summary="Remove a milestone's own policy: its contract's applies again",
)
def delete_milestone_policy(request: HttpRequest, milestone_id: int) -> Status[None]:
    actor = actor_of(request)
    services.clear_policy(actor, milestone=_milestone(actor, milestone_id))
    return Status(204, None)

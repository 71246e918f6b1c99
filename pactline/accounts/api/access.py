"""The people named on a contract: while it is restricted, only they (and admins and owners)
see it. Managers and above name and remove them; restricting is `restricted` on the contract."""

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
    READ_ERRORS,
    Id,
    InSchema,
    get_or_404,
)
from pactline.contracts import services
from pactline.contracts.models import Contract, ContractMember

router = Router(tags=["contract access"])


class ContractMemberIn(InSchema):
    user_id: Id


class ContractMemberOut(Schema):
    user_id: int
    email: str = Field(alias="user.email")
    name: str = Field(alias="user.name")
    created_at: datetime


def _contract(request: HttpRequest, contract_id: int) -> Contract:
    return get_or_404(permissions.visible_contracts(actor_of(request)), contract_id, "contract")


@router.get(
    "/contracts/{contract_id}/members",
    response={200: list[ContractMemberOut], **READ_ERRORS},
    url_name="contract-member-list",
    summary="List the people named on a contract",
)
def list_members(request: HttpRequest, contract_id: int) -> Any:
    return _contract(request, contract_id).members.select_related("user").order_by("user__email")


@router.post(
    "/contracts/{contract_id}/members",
    response={201: ContractMemberOut, **CREATE_ERRORS},
    url_name="contract-member-create",
    summary="Name a person on a contract (managers and above)",
)
def add_member(
    request: HttpRequest, contract_id: int, payload: ContractMemberIn
) -> Status[ContractMember]:
    actor = actor_of(request)
    contract = _contract(request, contract_id)
    require(permissions.can_manage_contract_members(actor), "only managers and above name people")
    return Status(201, services.add_contract_member(actor, contract, payload.user_id))


@router.delete(
    "/contracts/{contract_id}/members/{user_id}",
    response={204: None, **DELETE_ERRORS},
    url_name="contract-member-delete",
    summary="Remove a person from a contract's named people",
)
def remove_member(request: HttpRequest, contract_id: int, user_id: int) -> Status[None]:
    actor = actor_of(request)
    contract = _contract(request, contract_id)
    require(permissions.can_manage_contract_members(actor), "only managers and above name people")
    if not contract.members.filter(user_id=user_id).exists():
        from pactline.errors import NotFound

        raise NotFound("not named on this contract")
    services.remove_contract_member(actor, contract, user_id)
    return Status(204, None)

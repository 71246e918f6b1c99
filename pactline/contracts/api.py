"""REST API for parties (with their contacts) and contracts."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from pactline.accounts import permissions
from pactline.accounts.permissions import Actor
from pactline.api_auth import actor_of
from pactline.api_common import (
    CREATE_ERRORS,
    DELETE_ERRORS,
    LIST_ERRORS,
    READ_ERRORS,
    WRITE_ERRORS,
    Id,
    InSchema,
    Money,
    Page,
    PageParams,
    QueryIn,
    Version,
    check_version,
    expected_version,
    find_or_invalid,
    get_or_404,
    paginate,
)
from pactline.contracts import services
from pactline.contracts.models import Contact, Contract, ContractStatus, Party, PartyKind
from pactline.contracts.queries import (
    NO_MILESTONES,
    SORTS,
    ContractFilter,
    contract_list,
    health_label,
)
from pactline.customfields.api import (
    CF_SORT_PATTERN,
    SORT_DOC,
    VALUES_DOC,
    cf_openapi,
    filter_list,
    sort_param,
    values_for,
)
from pactline.milestones.health import Health
from pactline.reports.money import MAX_GRACE_DAYS, CapKind, PenaltyKind

parties = Router(tags=["parties"])
contracts = Router(tags=["contracts"])

WORKWEEK = "working days as bits: Monday = 1, Tuesday = 2, ... Sunday = 64 (Mon-Fri = 31)"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

ContractHealth = Literal[(*(h.value for h in Health), NO_MILESTONES)]  # type: ignore[valid-type]
ContractSort = Literal[tuple(SORTS)]  # type: ignore[valid-type]
# Contract-level terms apply to the milestones whose penalty_kind is "contract".
ContractPenaltyKind = Literal[  # type: ignore[valid-type]
    tuple(k.value for k in PenaltyKind if k != PenaltyKind.CONTRACT)
]
CapKindIn = Literal[tuple(c.value for c in CapKind)]  # type: ignore[valid-type]
PenaltyRate = Annotated[Decimal, Field(ge=0, max_digits=18, decimal_places=4)]
PenaltyCap = Annotated[Decimal, Field(ge=0, max_digits=18, decimal_places=3)]
PENALTY = (
    "terms for milestones whose penalty_kind is contract: fixed amount, or percent of the "
    "milestone's payment or of the contract value, per day late"
)
PENALTY_CAP = "amount, or percent of a milestone or of the contract value (bounds the total)"


# --- parties ----------------------------------------------------------------------------------


class PartyIn(InSchema):
    name: str
    kind: PartyKind = PartyKind.CLIENT
    registration_number: str = ""
    address: str = ""
    website: str = ""
    notes: str = ""
    custom_fields: dict[str, Any] = Field(default_factory=dict, description=VALUES_DOC)


class PartyPatch(InSchema):
    name: str = Field(None)
    kind: PartyKind = Field(None)
    registration_number: str = Field(None)
    address: str = Field(None)
    website: str = Field(None)
    notes: str = Field(None)
    custom_fields: dict[str, Any] = Field(None, description=VALUES_DOC)
    version: Version | None = None


class PartyOut(Schema):
    id: int
    name: str
    kind: str
    registration_number: str
    address: str
    website: str
    notes: str
    custom_fields: dict[str, Any] = Field(description=VALUES_DOC)
    version: int
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_custom_fields(obj: Party, context: Any) -> dict[str, Any]:
        return values_for(context["request"], "party", obj)


class PartyFilter(QueryIn):
    q: str | None = Field(None, max_length=200, description="part of the name")
    kind: PartyKind | None = None
    sort: str | None = Field(
        None, pattern=CF_SORT_PATTERN, description="by name; " + SORT_DOC.removeprefix("or ")
    )


class ContactIn(InSchema):
    name: str
    email: str = ""
    phone: str = ""
    role: str = ""


class ContactPatch(InSchema):
    name: str = Field(None)
    email: str = Field(None)
    phone: str = Field(None)
    role: str = Field(None)


class ContactOut(Schema):
    id: int
    party_id: int
    name: str
    email: str
    phone: str
    role: str
    created_at: datetime


def _party(actor: Actor, party_id: int) -> Party:
    return get_or_404(permissions.visible_parties(actor), party_id, "party")


def _contact(actor: Actor, party_id: int, contact_id: int) -> Contact:
    party = _party(actor, party_id)
    contact = get_or_404(party.contacts.all(), contact_id, "contact")
    contact.party = party
    return contact


def _changes(payload: Schema) -> dict[str, Any]:
    data = payload.model_dump(exclude_unset=True)
    data.pop("version", None)
    return data


@parties.get(
    "/parties",
    response={200: Page[PartyOut], **LIST_ERRORS},
    url_name="party-list",
    summary="List parties",
    openapi_extra=cf_openapi(),
)
def list_parties(
    request: HttpRequest, filters: Query[PartyFilter], page: Query[PageParams]
) -> dict[str, Any]:
    actor = actor_of(request)
    qs = permissions.visible_parties(actor)
    if filters.q:
        qs = qs.filter(name__icontains=filters.q.strip())
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    qs = filter_list(qs.order_by("name", "pk"), actor, "party", request, filters.sort)
    return paginate(qs, page)


@parties.post(
    "/parties",
    response={201: PartyOut, **CREATE_ERRORS},
    url_name="party-create",
    summary="Create a party",
)
def create_party(request: HttpRequest, payload: PartyIn) -> Status[Party]:
    return Status(201, services.create_party(actor_of(request), payload.model_dump()))


@parties.get(
    "/parties/{party_id}",
    response={200: PartyOut, **READ_ERRORS},
    url_name="party-detail",
    summary="Get a party",
)
def get_party(request: HttpRequest, party_id: int) -> Party:
    return _party(actor_of(request), party_id)


@parties.patch(
    "/parties/{party_id}",
    response={200: PartyOut, **WRITE_ERRORS},
    url_name="party-update",
    summary="Change a party",
)
def update_party(request: HttpRequest, party_id: int, payload: PartyPatch) -> Party:
    actor = actor_of(request)
    version = expected_version(request, payload.version)
    return services.update_party(actor, _party(actor, party_id), _changes(payload), version)


@parties.delete(
    "/parties/{party_id}",
    response={204: None, **DELETE_ERRORS},
    url_name="party-delete",
    summary="Delete a party that no contract names",
)
def delete_party(request: HttpRequest, party_id: int) -> Status[None]:
    actor = actor_of(request)
    party = _party(actor, party_id)
    check_version(party, request)
    services.delete_party(actor, party)
    return Status(204, None)


@parties.get(
    "/parties/{party_id}/contacts",
    response={200: Page[ContactOut], **READ_ERRORS},
    url_name="contact-list",
    summary="List a party's contacts",
)
def list_contacts(request: HttpRequest, party_id: int, page: Query[PageParams]) -> dict[str, Any]:
    party = _party(actor_of(request), party_id)
    return paginate(party.contacts.order_by("name", "pk"), page)


@parties.post(
    "/parties/{party_id}/contacts",
    response={201: ContactOut, **CREATE_ERRORS},
    url_name="contact-create",
    summary="Add a contact to a party",
)
def create_contact(request: HttpRequest, party_id: int, payload: ContactIn) -> Status[Contact]:
    actor = actor_of(request)
    return Status(201, services.add_contact(actor, _party(actor, party_id), payload.model_dump()))


@parties.get(
    "/parties/{party_id}/contacts/{contact_id}",
    response={200: ContactOut, **READ_ERRORS},
    url_name="contact-detail",
    summary="Get a contact",
)
def get_contact(request: HttpRequest, party_id: int, contact_id: int) -> Contact:
    return _contact(actor_of(request), party_id, contact_id)


@parties.patch(
    "/parties/{party_id}/contacts/{contact_id}",
    response={200: ContactOut, **WRITE_ERRORS},
    url_name="contact-update",
    summary="Change a contact",
)
def update_contact(
    request: HttpRequest, party_id: int, contact_id: int, payload: ContactPatch
) -> Contact:
    actor = actor_of(request)
    contact = _contact(actor, party_id, contact_id)
    return services.update_contact(actor, contact, _changes(payload))


@parties.delete(
    "/parties/{party_id}/contacts/{contact_id}",
    response={204: None, **DELETE_ERRORS},
    url_name="contact-delete",
    summary="Remove a contact",
)
def delete_contact(request: HttpRequest, party_id: int, contact_id: int) -> Status[None]:
    actor = actor_of(request)
    services.delete_contact(actor, _contact(actor, party_id, contact_id))
    return Status(204, None)


# --- contracts --------------------------------------------------------------------------------


class ContractIn(InSchema):
    number: str
    title: str
    description: str = ""
    party_ids: list[Id] = Field(default_factory=list, max_length=1000)
    owner_id: Id | None = Field(None, description="defaults to you")
    value: Money | None = None
    currency: str = Field(None, description="ISO 4217; defaults to the organisation's")
    signed_on: date | None = None
    start_on: date | None = None
    end_on: date | None = None
    time_zone: str = Field(None, description="IANA name; defaults to the organisation's")
    calendar_country: str = ""
    calendar_subdivision: str = ""
    workweek: int = Field(31, ge=1, le=127, description=WORKWEEK)
    notice_period_days: int | None = Field(
        None, ge=0, le=3660, description="days before the end by which notice is due"
    )
    status: ContractStatus = ContractStatus.DRAFT
    tags: list[str] = Field(default_factory=list, max_length=100)
    template_id: Id | None = Field(None, description="add this template's milestones")
    restricted: bool = Field(
        False, description="only named people (and admins and owners) see it; you are named"
    )
    penalty_kind: ContractPenaltyKind = Field("none", description=PENALTY)
    penalty_rate: PenaltyRate | None = Field(None, description="amount or percent per day late")
    penalty_grace_days: int = Field(0, ge=0, le=MAX_GRACE_DAYS)
    penalty_working_days: bool = Field(False, description="count working days only")
    penalty_cap_kind: CapKindIn = Field("none", description=PENALTY_CAP)
    penalty_cap: PenaltyCap | None = None
    custom_fields: dict[str, Any] = Field(default_factory=dict, description=VALUES_DOC)


class ContractPatch(InSchema):
    number: str = Field(None)
    title: str = Field(None)
    description: str = Field(None)
    party_ids: list[Id] = Field(None, max_length=1000)
    owner_id: Id | None = None
    value: Money | None = None
    currency: str = Field(None)
    signed_on: date | None = None
    start_on: date | None = None
    end_on: date | None = None
    time_zone: str = Field(None)
    calendar_country: str = Field(None)
    calendar_subdivision: str = Field(None)
    workweek: int = Field(None, ge=1, le=127, description=WORKWEEK)
    notice_period_days: int | None = Field(
        None, ge=0, le=3660, description="days before the end by which notice is due"
    )
    status: ContractStatus = Field(None)
    tags: list[str] = Field(None, max_length=100)
    restricted: bool = Field(None, description="only named people (and admins) see it")
    penalty_kind: ContractPenaltyKind = Field(None, description=PENALTY)
    penalty_rate: PenaltyRate | None = None
    penalty_grace_days: int = Field(None, ge=0, le=MAX_GRACE_DAYS)
    penalty_working_days: bool = Field(None)
    penalty_cap_kind: CapKindIn = Field(None, description=PENALTY_CAP)
    penalty_cap: PenaltyCap | None = None
    custom_fields: dict[str, Any] = Field(None, description=VALUES_DOC)
    version: Version | None = None


class ContractCloseIn(InSchema):
    status: Literal["completed", "terminated"]
    version: Version | None = None


class NextDueOut(Schema):
    id: int
    title: str
    due_date: date


class ContractOut(Schema):
    id: int
    number: str
    title: str
    description: str
    party_ids: list[int]
    owner_id: int | None
    value: str | None = Field(description='decimal amount as a string, e.g. "1200.00"')
    currency: str
    signed_on: date | None
    start_on: date | None
    end_on: date | None
    time_zone: str
    calendar_country: str
    calendar_subdivision: str
    workweek: int = Field(description=WORKWEEK)
    notice_period_days: int | None = None
    notice_deadline: date | None = Field(None, description="end date less the notice period")
    working_days: list[str] = Field(description='the same as names, e.g. ["mon", "tue"]')
    status: str
    tags: list[str]
    restricted: bool = Field(description="only named people (and admins and owners) see it")
    health: str = Field(description="the worst health of its milestones; none without any")
    next_due_milestone: NextDueOut | None
    penalty_kind: str = Field(description=PENALTY)
    penalty_rate: Decimal | None
    penalty_grace_days: int
    penalty_working_days: bool
    penalty_cap_kind: str
    penalty_cap: Decimal | None
    penalty_accrued: Decimal | None = Field(
        description="the capped total of its milestones, after waivers, as of penalties_as_of"
    )
    penalty_projected: Decimal | None = Field(description="at the forecast dates, capped")
    penalties_as_of: date | None = Field(description="when the totals were computed")
    custom_fields: dict[str, Any] = Field(description=VALUES_DOC)
    version: int
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_custom_fields(obj: Contract, context: Any) -> dict[str, Any]:
        return values_for(context["request"], "contract", obj)

    @staticmethod
    def resolve_party_ids(obj: Contract) -> list[int]:
        return [p.pk for p in obj.parties.all()]

    @staticmethod
    def resolve_tags(obj: Contract) -> list[str]:
        return [t.name for t in obj.tags.all()]

    @staticmethod
    def resolve_working_days(obj: Contract) -> list[str]:
        return [day for bit, day in enumerate(WEEKDAYS) if obj.workweek & (1 << bit)]

    @staticmethod
    def resolve_value(obj: Contract) -> str | None:
        return None if obj.value is None else str(obj.value)

    @staticmethod
    def resolve_health(obj: Contract) -> str:
        return health_label(getattr(obj, "worst_rank", None))

    @staticmethod
    def resolve_next_due_milestone(obj: Contract) -> dict[str, Any] | None:
        if getattr(obj, "next_due_id", None) is None:
            return None
        return {"id": obj.next_due_id, "title": obj.next_due_title, "due_date": obj.next_due_date}


class ContractFilterIn(QueryIn):
    q: str | None = Field(None, max_length=200, description="number, title, description, party")
    status: list[ContractStatus] | None = Field(None, description="repeat for several")
    party_id: Id | None = None
    owner_id: Id | None = None
    tag: str | None = Field(None, max_length=50)
    health: ContractHealth | None = None
    sort: sort_param(SORTS, "number") = "number"  # type: ignore[valid-type]


def contract_rows(actor: Actor) -> QuerySet[Contract]:
    """Contracts as the API shows them: with health, next due milestone, parties and tags."""
    return contract_list(actor, ContractFilter())


def contract_out(actor: Actor, contract_id: int) -> Contract:
    return get_or_404(contract_rows(actor), contract_id, "contract")


def _contract(actor: Actor, contract_id: int) -> Contract:
    return get_or_404(permissions.visible_contracts(actor), contract_id, "contract")


@contracts.get(
    "/contracts",
    response={200: Page[ContractOut], **LIST_ERRORS},
    url_name="contract-list",
    summary="List contracts",
    openapi_extra=cf_openapi(),
)
def list_contracts(
    request: HttpRequest, filters: Query[ContractFilterIn], page: Query[PageParams]
) -> dict[str, Any]:
    wanted = ContractFilter(
        q=filters.q,
        status=filters.status,
        party_id=filters.party_id,
        owner_id=filters.owner_id,
        tag=filters.tag,
        health=filters.health,
    )
    actor = actor_of(request)
    qs = contract_list(actor, wanted, filters.sort)
    return paginate(filter_list(qs, actor, "contract", request, filters.sort), page)


@contracts.post(
    "/contracts",
    response={201: ContractOut, **CREATE_ERRORS},
    url_name="contract-create",
    summary="Create a contract",
    description="Optionally with `template_id` to add that template's milestones at once.",
)
def create_contract(request: HttpRequest, payload: ContractIn) -> Status[Contract]:
    actor = actor_of(request)
    data = payload.model_dump(exclude_unset=True)
    template_id = data.pop("template_id", None)
    for defaulted in ("currency", "time_zone"):
        if data.get(defaulted) is None:
            data.pop(defaulted, None)
    if template_id is not None:
        find_or_invalid(permissions.visible_templates(actor), template_id, "template_id")
    contract = services.create_contract(actor, data, template_id=template_id)
    return Status(201, contract_out(actor, contract.pk))


@contracts.get(
    "/contracts/{contract_id}",
    response={200: ContractOut, **READ_ERRORS},
    url_name="contract-detail",
    summary="Get a contract",
)
def get_contract(request: HttpRequest, contract_id: int) -> Contract:
    return contract_out(actor_of(request), contract_id)


@contracts.patch(
    "/contracts/{contract_id}",
    response={200: ContractOut, **WRITE_ERRORS},
    url_name="contract-update",
    summary="Change a contract",
    description="Send `version` (or `If-Match`) to be told with a 409 if it changed meanwhile.",
)
def update_contract(request: HttpRequest, contract_id: int, payload: ContractPatch) -> Contract:
    actor = actor_of(request)
    version = expected_version(request, payload.version)
    contract = _contract(actor, contract_id)
    services.update_contract(actor, contract, _changes(payload), version)
    return contract_out(actor, contract.pk)


@contracts.delete(
    "/contracts/{contract_id}",
    response={204: None, **DELETE_ERRORS},
    url_name="contract-delete",
    summary="Delete a contract with its milestones (admins)",
)
def delete_contract(request: HttpRequest, contract_id: int) -> Status[None]:
    actor = actor_of(request)
    contract = _contract(actor, contract_id)
    check_version(contract, request)
    services.delete_contract(actor, contract)
    return Status(204, None)


@contracts.post(
    "/contracts/{contract_id}/close",
    response={200: ContractOut, **WRITE_ERRORS},
    url_name="contract-close",
    summary="Close a contract as completed or terminated",
)
def close_contract(request: HttpRequest, contract_id: int, payload: ContractCloseIn) -> Contract:
    actor = actor_of(request)
    version = expected_version(request, payload.version)
    contract = _contract(actor, contract_id)
    services.close_contract(actor, contract, payload.status, version)
    return contract_out(actor, contract.pk)

"""REST API for milestones, their checklists and status transitions, and milestone templates."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

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
    Share,
    Version,
    check_version,
    expected_version,
    find_or_invalid,
    get_or_404,
    paginate,
)
from pactline.contracts.models import Contract
from pactline.milestones import services
from pactline.milestones.health import Health
from pactline.milestones.models import (
    ChecklistItem,
    Milestone,
    MilestoneKind,
    MilestoneStatus,
    MilestoneTemplate,
    TemplateItem,
)
from pactline.milestones.queries import (
    ORDERINGS,
    MilestoneFilter,
    milestone_list,
    portfolio_today,
    with_details,
)
from pactline.milestones.scheduling import Anchor, Unit

milestones = Router(tags=["milestones"])
templates = Router(tags=["templates"])

MilestoneOrdering = Literal[tuple(ORDERINGS)]  # type: ignore[valid-type]
MAX_CHECKLIST = 200


def _decimal_text(value: object) -> str | None:
    return None if value is None else str(value)


def _changes(payload: Schema) -> dict[str, Any]:
    data = payload.model_dump(exclude_unset=True)
    data.pop("version", None)
    return data


# --- schemas ----------------------------------------------------------------------------------


class MilestoneIn(InSchema):
    title: str
    kind: MilestoneKind = MilestoneKind.CUSTOM
    description: str = ""
    owner_id: Id | None = None
    approver_id: Id | None = None
    due_anchor: Anchor = Field(Anchor.ABSOLUTE, description="what the due date follows")
    due_offset: int = Field(0, description="offset from the anchor, in due_unit")
    due_unit: Unit = Unit.CALENDAR_DAYS
    anchor_milestone_id: Id | None = Field(None, description="for due_anchor=milestone")
    due_date: date | None = Field(None, description="for due_anchor=absolute")
    payment_amount: Money | None = None
    payment_share: Share | None = Field(None, description="percent of the contract value")
    shared_with_guests: bool = False
    checklist: list[str] = Field(default_factory=list, max_length=MAX_CHECKLIST)


class MilestoneCreate(MilestoneIn):
    contract_id: Id


class MilestonePatch(InSchema):
    title: str = Field(None)
    kind: MilestoneKind = Field(None)
    description: str = Field(None)
    owner_id: Id | None = None
    approver_id: Id | None = None
    due_anchor: Anchor = Field(None)
    due_offset: int = Field(None)
    due_unit: Unit = Field(None)
    anchor_milestone_id: Id | None = None
    due_date: date | None = None
    payment_amount: Money | None = None
    payment_share: Share | None = None
    shared_with_guests: bool = Field(None)
    version: Version | None = None
    reason: str = Field("", max_length=2000, description="required when the due date moves")


class MilestoneOut(Schema):
    id: int
    contract_id: int
    title: str
    kind: str
    description: str
    owner_id: int | None
    approver_id: int | None
    due_anchor: str
    due_offset: int
    due_unit: str
    anchor_milestone_id: int | None
    due_date: date | None
    due_date_trace: str
    baseline_due_date: date | None
    forecast_date: date | None
    slip_days: int | None
    status: str
    health: str
    completed_on: date | None
    payment_amount: str | None
    payment_share: str | None
    currency: str
    position: int
    shared_with_guests: bool
    checklist_total: int
    checklist_done: int
    allowed_transitions: list[str] = Field(description="statuses you may move it to now")
    version: int
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_payment_amount(obj: Milestone) -> str | None:
        return _decimal_text(obj.payment_amount)

    @staticmethod
    def resolve_payment_share(obj: Milestone) -> str | None:
        return _decimal_text(obj.payment_share)

    @staticmethod
    def resolve_currency(obj: Milestone) -> str:
        return obj.contract.currency

    @staticmethod
    def resolve_allowed_transitions(obj: Milestone, context: dict[str, Any]) -> list[str]:
        # In-memory only (status, owner, approver): no query per row.
        return [str(s) for s in services.allowed_transitions(actor_of(context["request"]), obj)]


class MilestoneFilterIn(QueryIn):
    contract_id: Id | None = None
    status: list[MilestoneStatus] | None = Field(None, description="repeat for several")
    owner_id: Id | None = None
    party_id: Id | None = None
    tag: str | None = Field(None, max_length=50)
    due_before: date | None = Field(None, description="due on or before")
    due_after: date | None = Field(None, description="due on or after")
    health: list[Health] | None = Field(None, description="repeat for several; overdue = late")
    q: str | None = Field(None, max_length=200, description="title or contract number")
    ordering: MilestoneOrdering = "due_date"


class ContractMilestonesIn(QueryIn):
    ordering: MilestoneOrdering = "position"


class TransitionIn(InSchema):
    status: MilestoneStatus
    note: str = Field("", max_length=2000)
    version: Version | None = None
    completed_on: date | None = Field(None, description="for accepted/done; defaults to today")


class ReorderIn(InSchema):
    ids: list[Id] = Field(max_length=10000, description="every milestone id, in the new order")


class ApplyTemplateIn(InSchema):
    template_id: Id


class ChecklistItemIn(InSchema):
    title: str


class ChecklistItemPatch(InSchema):
    title: str = Field(None)
    done: bool = Field(None)
    version: Version | None = None


class ChecklistItemOut(Schema):
    id: int
    milestone_id: int
    title: str
    done: bool
    done_at: datetime | None
    done_by_id: int | None
    position: int
    version: int


class TemplateItemIn(InSchema):
    title: str
    kind: MilestoneKind = MilestoneKind.CUSTOM
    description: str = ""
    anchor: Anchor = Anchor.CONTRACT_START
    offset: int = 0
    unit: Unit = Unit.WORKING_DAYS
    payment_share: Share | None = None
    checklist: list[str] = Field(default_factory=list, max_length=MAX_CHECKLIST)


class TemplateIn(InSchema):
    name: str
    description: str = ""
    items: list[TemplateItemIn] = Field(default_factory=list, max_length=MAX_CHECKLIST)


class TemplatePatch(InSchema):
    name: str = Field(None)
    description: str = Field(None)
    items: list[TemplateItemIn] = Field(None, max_length=MAX_CHECKLIST)
    version: Version | None = None


class TemplateItemOut(Schema):
    title: str
    kind: str
    description: str
    anchor: str
    offset: int
    unit: str
    payment_share: str | None
    checklist: list[str]

    @staticmethod
    def resolve_payment_share(obj: TemplateItem) -> str | None:
        return _decimal_text(obj.payment_share)

    @staticmethod
    def resolve_checklist(obj: TemplateItem) -> list[str]:
        return [c.title for c in obj.checklist.all()]


class TemplateOut(Schema):
    id: int
    name: str
    description: str
    builtin: bool = Field(description="built-in templates are shared and read-only")
    builtin_key: str
    items: list[TemplateItemOut]
    version: int
    created_at: datetime

    @staticmethod
    def resolve_builtin(obj: MilestoneTemplate) -> bool:
        return obj.is_builtin

    @staticmethod
    def resolve_items(obj: MilestoneTemplate) -> list[TemplateItem]:
        return list(obj.items.all())


# --- lookups ----------------------------------------------------------------------------------


def _detailed(actor: Actor) -> QuerySet[Milestone]:
    return with_details(permissions.visible_milestones(actor), portfolio_today(actor))


def _milestone(actor: Actor, milestone_id: int) -> Milestone:
    return get_or_404(permissions.visible_milestones(actor), milestone_id, "milestone")


def _milestone_out(actor: Actor, milestone_id: int) -> Milestone:
    return get_or_404(_detailed(actor), milestone_id, "milestone")


def _contract(actor: Actor, contract_id: int) -> Contract:
    return get_or_404(permissions.visible_contracts(actor), contract_id, "contract")


def _checklist_item(actor: Actor, item_id: int) -> ChecklistItem:
    visible = ChecklistItem.objects.filter(milestone__in=permissions.visible_milestones(actor))
    return get_or_404(visible.select_related("milestone"), item_id, "checklist item")


def _templates(actor: Actor) -> QuerySet[MilestoneTemplate]:
    return permissions.visible_templates(actor).prefetch_related("items__checklist")


def _template(actor: Actor, template_id: int) -> MilestoneTemplate:
    return get_or_404(_templates(actor), template_id, "template")


def _page_of(actor: Actor, ids: list[int]) -> dict[str, Any]:
    """Freshly read milestones (with health and checklist counts) in the order of `ids`."""
    rows = {m.pk: m for m in _detailed(actor).filter(pk__in=ids)}
    items = [rows[pk] for pk in ids if pk in rows]
    return {"items": items, "count": len(items)}


def _create(actor: Actor, contract: Contract, payload: MilestoneIn) -> Milestone:
    data = payload.model_dump(exclude_unset=True)
    data.pop("contract_id", None)
    return services.create_milestone(actor, contract, data)


# --- milestones -------------------------------------------------------------------------------


@milestones.get(
    "/milestones",
    response={200: Page[MilestoneOut], **LIST_ERRORS},
    url_name="milestone-list",
    summary="List milestones across contracts",
    description="Filters combine; `health` and `status` repeat, e.g. `?health=overdue`.",
)
def list_milestones(
    request: HttpRequest, filters: Query[MilestoneFilterIn], page: Query[PageParams]
) -> dict[str, Any]:
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
    return paginate(milestone_list(actor_of(request), wanted, filters.ordering), page)


@milestones.post(
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
    return Status(201, _milestone_out(actor, _create(actor, contract, payload).pk))


@milestones.get(
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
) -> dict[str, Any]:
    actor = actor_of(request)
    contract = _contract(actor, contract_id)
    rows = milestone_list(actor, MilestoneFilter(contract_id=contract.pk), options.ordering)
    return paginate(rows, page)


@milestones.post(
    "/contracts/{contract_id}/milestones",
    response={201: MilestoneOut, **CREATE_ERRORS},
    url_name="contract-milestone-create",
    summary="Add a milestone to a contract",
)
def create_contract_milestone(
    request: HttpRequest, contract_id: int, payload: MilestoneIn
) -> Status[Milestone]:
    actor = actor_of(request)
    contract = _contract(actor, contract_id)
    return Status(201, _milestone_out(actor, _create(actor, contract, payload).pk))


@milestones.post(
    "/contracts/{contract_id}/milestones/reorder",
    response={200: Page[MilestoneOut], **WRITE_ERRORS},
    url_name="contract-milestone-reorder",
    summary="Put a contract's milestones in a new order",
)
def reorder_milestones(
    request: HttpRequest, contract_id: int, payload: ReorderIn
) -> dict[str, Any]:
    actor = actor_of(request)
    contract = _contract(actor, contract_id)
    services.reorder(actor, contract, payload.ids)
    return _page_of(actor, payload.ids)


@milestones.post(
    "/contracts/{contract_id}/apply-template",
    response={201: Page[MilestoneOut], **CREATE_ERRORS},
    url_name="contract-apply-template",
    summary="Add a template's milestones to a contract",
    description="Due dates follow the template's offsets from the contract's dates.",
)
def apply_template(
    request: HttpRequest, contract_id: int, payload: ApplyTemplateIn
) -> Status[dict[str, Any]]:
    actor = actor_of(request)
    contract = _contract(actor, contract_id)
    find_or_invalid(permissions.visible_templates(actor), payload.template_id, "template_id")
    created = services.apply_template(actor, contract, payload.template_id)
    return Status(201, _page_of(actor, [m.pk for m in created]))


@milestones.get(
    "/milestones/{milestone_id}",
    response={200: MilestoneOut, **READ_ERRORS},
    url_name="milestone-detail",
    summary="Get a milestone",
)
def get_milestone(request: HttpRequest, milestone_id: int) -> Milestone:
    return _milestone_out(actor_of(request), milestone_id)


@milestones.patch(
    "/milestones/{milestone_id}",
    response={200: MilestoneOut, **WRITE_ERRORS},
    url_name="milestone-update",
    summary="Change a milestone",
    description="Moving the due date needs a `reason`. Owners and approvers are set by managers.",
)
def update_milestone(request: HttpRequest, milestone_id: int, payload: MilestonePatch) -> Milestone:
    actor = actor_of(request)
    version = expected_version(request, payload.version)
    milestone = _milestone(actor, milestone_id)
    data = _changes(payload)
    reason = data.pop("reason", "")
    services.update_milestone(actor, milestone, data, version, reason=reason)
    return _milestone_out(actor, milestone.pk)


@milestones.delete(
    "/milestones/{milestone_id}",
    response={204: None, **DELETE_ERRORS},
    url_name="milestone-delete",
    summary="Delete a milestone (managers)",
)
def delete_milestone(request: HttpRequest, milestone_id: int) -> Status[None]:
    actor = actor_of(request)
    milestone = _milestone(actor, milestone_id)
    check_version(milestone, request)
    services.delete_milestone(actor, milestone)
    return Status(204, None)


@milestones.post(
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
    milestone = _milestone(actor, milestone_id)
    services.transition(
        actor,
        milestone,
        payload.status,
        expected_version=version,
        note=payload.note,
        completed_on=payload.completed_on,
    )
    return _milestone_out(actor, milestone.pk)


# --- checklists -------------------------------------------------------------------------------


@milestones.get(
    "/milestones/{milestone_id}/checklist",
    response={200: Page[ChecklistItemOut], **READ_ERRORS},
    url_name="checklist-list",
    summary="List a milestone's checklist",
)
def list_checklist(
    request: HttpRequest, milestone_id: int, page: Query[PageParams]
) -> dict[str, Any]:
    milestone = _milestone(actor_of(request), milestone_id)
    return paginate(milestone.checklist.order_by("position", "pk"), page)


@milestones.post(
    "/milestones/{milestone_id}/checklist",
    response={201: ChecklistItemOut, **CREATE_ERRORS},
    url_name="checklist-create",
    summary="Add an item to a milestone's checklist",
)
def create_checklist_item(
    request: HttpRequest, milestone_id: int, payload: ChecklistItemIn
) -> Status[ChecklistItem]:
    actor = actor_of(request)
    milestone = _milestone(actor, milestone_id)
    return Status(201, services.add_checklist_item(actor, milestone, payload.title))


@milestones.get(
    "/checklist-items/{item_id}",
    response={200: ChecklistItemOut, **READ_ERRORS},
    url_name="checklist-item-detail",
    summary="Get a checklist item",
)
def get_checklist_item(request: HttpRequest, item_id: int) -> ChecklistItem:
    return _checklist_item(actor_of(request), item_id)


@milestones.patch(
    "/checklist-items/{item_id}",
    response={200: ChecklistItemOut, **WRITE_ERRORS},
    url_name="checklist-item-update",
    summary="Tick, untick or rename a checklist item",
)
def update_checklist_item(
    request: HttpRequest, item_id: int, payload: ChecklistItemPatch
) -> ChecklistItem:
    actor = actor_of(request)
    version = expected_version(request, payload.version)
    item = _checklist_item(actor, item_id)
    return services.set_checklist_item(
        actor, item, done=payload.done, title=payload.title, expected_version=version
    )


@milestones.delete(
    "/checklist-items/{item_id}",
    response={204: None, **DELETE_ERRORS},
    url_name="checklist-item-delete",
    summary="Remove a checklist item",
)
def delete_checklist_item(request: HttpRequest, item_id: int) -> Status[None]:
    actor = actor_of(request)
    item = _checklist_item(actor, item_id)
    check_version(item, request)
    services.delete_checklist_item(actor, item)
    return Status(204, None)


# --- templates --------------------------------------------------------------------------------


@templates.get(
    "/templates",
    response={200: Page[TemplateOut], **LIST_ERRORS},
    url_name="template-list",
    summary="List milestone templates (built-in and your organisation's)",
)
def list_templates(request: HttpRequest, page: Query[PageParams]) -> dict[str, Any]:
    return paginate(_templates(actor_of(request)).order_by("name", "pk"), page)


@templates.post(
    "/templates",
    response={201: TemplateOut, **CREATE_ERRORS},
    url_name="template-create",
    summary="Create a milestone template",
)
def create_template(request: HttpRequest, payload: TemplateIn) -> Status[MilestoneTemplate]:
    actor = actor_of(request)
    items = [item.model_dump() for item in payload.items]
    template = services.create_template(actor, payload.name, payload.description, items)
    return Status(201, _template(actor, template.pk))


@templates.get(
    "/templates/{template_id}",
    response={200: TemplateOut, **READ_ERRORS},
    url_name="template-detail",
    summary="Get a milestone template",
)
def get_template(request: HttpRequest, template_id: int) -> MilestoneTemplate:
    return _template(actor_of(request), template_id)


@templates.patch(
    "/templates/{template_id}",
    response={200: TemplateOut, **WRITE_ERRORS},
    url_name="template-update",
    summary="Change a template (built-in templates are read-only: 403)",
    description="`items`, when sent, replaces all items.",
)
def update_template(
    request: HttpRequest, template_id: int, payload: TemplatePatch
) -> MilestoneTemplate:
    actor = actor_of(request)
    version = expected_version(request, payload.version)
    template = _template(actor, template_id)
    services.update_template(actor, template, _changes(payload), version)
    return _template(actor, template.pk)


@templates.delete(
    "/templates/{template_id}",
    response={204: None, **DELETE_ERRORS},
    url_name="template-delete",
    summary="Delete a template (built-in templates are read-only: 403)",
)
def delete_template(request: HttpRequest, template_id: int) -> Status[None]:
    actor = actor_of(request)
    template = _template(actor, template_id)
    check_version(template, request)
    services.delete_template(actor, template)
    return Status(204, None)

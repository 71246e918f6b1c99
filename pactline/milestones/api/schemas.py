"""Request and response schemas of the milestone routers: `XIn`, `XPatch`, `XOut` per resource."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Field, Schema

from pactline.accounts.permissions import Actor
from pactline.api_auth import actor_of
from pactline.api_common import Id, InSchema, Money, QueryIn, Share, Version
from pactline.customfields.api import VALUES_DOC, sort_param, values_for
from pactline.milestones import services
from pactline.milestones.api.lookups import decimal_text
from pactline.milestones.describe import milestone_rule, template_item_rule
from pactline.milestones.health import Health
from pactline.milestones.models import (
    Dependency,
    Milestone,
    MilestoneKind,
    MilestoneSeries,
    MilestoneStatus,
    MilestoneTemplate,
    TemplateItem,
)
from pactline.milestones.queries import ORDERINGS
from pactline.milestones.scheduling import Anchor, PeriodEnd, Roll, Unit
from pactline.milestones.services.common import MAX_OFFSET
from pactline.reports.money import CapKind, PenaltyKind

MilestoneOrdering = Literal[tuple(ORDERINGS)]  # type: ignore[valid-type]
PenaltyKindIn = Literal[tuple(k.value for k in PenaltyKind)]  # type: ignore[valid-type]
CapKindIn = Literal[tuple(c.value for c in CapKind)]  # type: ignore[valid-type]
PenaltyRate = Annotated[Decimal, Field(ge=0, max_digits=18, decimal_places=4)]
PenaltyCap = Annotated[Decimal, Field(ge=0, max_digits=18, decimal_places=3)]
PENALTY = "contract: the contract's terms; fixed or percent_* of the milestone or contract value"
LagUnit = Literal["working_days", "calendar_days"]
MAX_CHECKLIST = 200
MAX_CHANGES = 10000

FIXED_DATE = (
    "the rule's fixed date, for due_anchor=absolute (stored as due_fixed); the date in force "
    "is computed from the rule and the dependencies"
)
KIND = (
    "a milestone type key of the organisation (GET /api/v1/milestone-types); the defaults: "
    + ", ".join(MilestoneKind.values)
)
REASON = "required when the due date moves or due_override is set; kept in the history"

# --- milestones -------------------------------------------------------------------------------


class MilestoneIn(InSchema):
    title: str
    kind: str = Field("custom", max_length=32, description=KIND)
    description: str = ""
    owner_id: Id | None = None
    approver_id: Id | None = None
    due_anchor: Anchor = Field(Anchor.ABSOLUTE, description="what the due date follows")
    due_offset: int = Field(0, description="offset from the anchor, in due_unit")
    due_unit: Unit = Unit.CALENDAR_DAYS
    due_period_end: PeriodEnd = Field(PeriodEnd.NONE, description="then snap to a period's end")
    due_roll: Roll = Field(Roll.NONE, description="when the date is not a working day")
    anchor_milestone_id: Id | None = Field(None, description="for milestone and milestone_done")
    due_date: date | None = Field(None, description=FIXED_DATE)
    due_override: date | None = Field(None, description="a date set by hand; needs `reason`")
    payment_amount: Money | None = None
    payment_share: Share | None = Field(None, description="percent of the contract value")
    shared_with_guests: bool = False
    retention_percent: Share | None = Field(None, description="held back until a release")
    retention_release_milestone_id: Id | None = Field(None, description="releases the retention")
    penalty_kind: PenaltyKindIn = Field("none", description=PENALTY)
    penalty_rate: PenaltyRate | None = Field(None, description="amount or percent per day late")
    penalty_grace_days: int = Field(0, ge=0, le=3660)
    penalty_working_days: bool = Field(False, description="count working days only")
    penalty_cap_kind: CapKindIn = "none"
    penalty_cap: PenaltyCap | None = None
    checklist: list[str] = Field(
        default_factory=list,
        max_length=MAX_CHECKLIST,
        description="checklist item titles; when left out, the type's default checklist",
    )
    reason: str = Field("", max_length=2000, description="required with due_override")
    custom_fields: dict[str, Any] = Field(default_factory=dict, description=VALUES_DOC)


class MilestoneCreate(MilestoneIn):
    contract_id: Id


class MilestonePatch(InSchema):
    title: str = Field(None)
    kind: str = Field(None, max_length=32, description=KIND)
    description: str = Field(None)
    owner_id: Id | None = None
    approver_id: Id | None = None
    due_anchor: Anchor = Field(None)
    due_offset: int = Field(None)
    due_unit: Unit = Field(None)
    due_period_end: PeriodEnd = Field(None)
    due_roll: Roll = Field(None)
    anchor_milestone_id: Id | None = None
    due_date: date | None = Field(None, description=FIXED_DATE)
    due_override: date | None = Field(None, description="set by hand (needs `reason`); null clears")
    payment_amount: Money | None = None
    payment_share: Share | None = None
    shared_with_guests: bool = Field(None)
    retention_percent: Share | None = None
    retention_release_milestone_id: Id | None = None
    penalty_kind: PenaltyKindIn = Field(None, description=PENALTY)
    penalty_rate: PenaltyRate | None = None
    penalty_grace_days: int = Field(None, ge=0, le=3660)
    penalty_working_days: bool = Field(None)
    penalty_cap_kind: CapKindIn = Field(None)
    penalty_cap: PenaltyCap | None = None
    custom_fields: dict[str, Any] = Field(None, description=VALUES_DOC)
    version: Version | None = None
    reason: str = Field("", max_length=2000, description=REASON)


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
    due_period_end: str
    due_roll: str
    anchor_milestone_id: int | None
    due_fixed: date | None = Field(description="the rule's fixed date (due_anchor=absolute)")
    rule_text: str = Field(description="the rule in words")
    computed_due_date: date | None = Field(description="what the rule and dependencies give")
    due_override: date | None = Field(description="set by hand, if it is")
    due_override_reason: str
    due_date: date | None = Field(description="in force: due_override if set, else computed")
    due_date_trace: str = Field(description="why the date is what it is")
    due_provisional: bool = Field(description="follows a completion that has not happened yet")
    baseline_due_date: date | None
    forecast_date: date | None = Field(description="later than due_date when predecessors slip")
    slip_days: int | None
    status: str
    health: str
    completed_on: date | None
    payment_amount: str | None
    payment_share: str | None
    currency: str
    invoiceable_on: date | None
    invoiced_on: date | None
    paid_on: date | None
    retention_percent: Decimal | None
    retention_amount: Decimal | None
    retention_release_milestone_id: int | None
    retention_invoiced_on: date | None
    retention_paid_on: date | None
    penalty_kind: str
    penalty_rate: Decimal | None
    penalty_grace_days: int
    penalty_working_days: bool
    penalty_cap_kind: str
    penalty_cap: Decimal | None
    penalty_accrued: Decimal | None = Field(description="after waivers, as of the last refresh")
    penalty_projected: Decimal | None
    position: int
    shared_with_guests: bool
    series_id: int | None = Field(description="the recurring obligation it is an occurrence of")
    occurrence_date: date | None
    detached: bool = Field(description="edited on its own, apart from its series")
    checklist_total: int
    checklist_done: int
    allowed_transitions: list[str] = Field(description="statuses you may move it to now")
    custom_fields: dict[str, Any] = Field(description=VALUES_DOC)
    version: int
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_custom_fields(obj: Milestone, context: dict[str, Any]) -> dict[str, Any]:
        return values_for(context["request"], "milestone", obj)

    @staticmethod
    def resolve_rule_text(obj: Milestone) -> str:
        return milestone_rule(obj)

    @staticmethod
    def resolve_payment_amount(obj: Milestone) -> str | None:
        return decimal_text(obj.payment_amount)

    @staticmethod
    def resolve_payment_share(obj: Milestone) -> str | None:
        return decimal_text(obj.payment_share)

    @staticmethod
    def resolve_currency(obj: Milestone) -> str:
        return obj.contract.currency

    @staticmethod
    def resolve_allowed_transitions(obj: Milestone, context: dict[str, Any]) -> list[str]:
        # In-memory only (status, owner, approver): no query per row.
        actor: Actor = actor_of(context["request"])
        return [str(s) for s in services.allowed_transitions(actor, obj)]


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
    ordering: sort_param(ORDERINGS, "due_date") = "due_date"  # type: ignore[valid-type]


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


# --- checklists -------------------------------------------------------------------------------


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


# --- dependencies -----------------------------------------------------------------------------


class DependencyIn(InSchema):
    predecessor_id: Id = Field(description="a milestone of the same contract")
    lag: int = Field(0, ge=-MAX_OFFSET, le=MAX_OFFSET, description="after the finish, in lag_unit")
    lag_unit: LagUnit = "working_days"


class DependencyOut(Schema):
    id: int
    predecessor_id: int
    predecessor_title: str
    successor_id: int
    successor_title: str
    lag: int
    lag_unit: str
    created_at: datetime

    @staticmethod
    def resolve_predecessor_title(obj: Dependency) -> str:
        return obj.predecessor.title

    @staticmethod
    def resolve_successor_title(obj: Dependency) -> str:
        return obj.successor.title


# --- what-if ----------------------------------------------------------------------------------


class ContractDatesIn(InSchema):
    start_on: date | None = None
    end_on: date | None = None
    signed_on: date | None = None


class MilestoneChangeIn(InSchema):
    id: Id = Field(description="a milestone of this contract")
    due_date: date | None = Field(None, description="a new fixed date (its rule becomes fixed)")
    due_override: date | None = Field(None, description="a date set by hand; null clears it")
    completed_on: date | None = Field(None, description="as if completed on that day")


class WhatIfIn(InSchema):
    contract: ContractDatesIn | None = Field(None, description="new contract dates")
    milestones: list[MilestoneChangeIn] = Field(default_factory=list, max_length=MAX_CHANGES)


class WhatIfApplyIn(WhatIfIn):
    basis: str = Field(max_length=64, description="the `basis` of the preview being applied")
    reason: str = Field(max_length=2000, description="why the dates change; kept in the history")


class MoveOut(Schema):
    milestone_id: int
    title: str
    old_due_date: date | None
    new_due_date: date | None
    old_forecast_date: date | None
    new_forecast_date: date | None
    trace: str
    provisional: bool
    payment_amount: str | None


class PaymentOut(Schema):
    milestone_id: int
    title: str
    amount: str
    currency: str
    old_due_date: date | None
    new_due_date: date | None


class WhatIfOut(Schema):
    basis: str = Field(description="send it back to /what-if/apply to commit exactly this")
    moves: list[MoveOut] = Field(description="every milestone whose due or forecast date moves")
    payments: list[PaymentOut] = Field(description="the payments among them whose date moves")
    penalties: list[dict[str, Any]] = Field(description="reserved: always empty for now")


# --- recurring series -------------------------------------------------------------------------


class SeriesIn(InSchema):
    title: str
    kind: str = Field("report", max_length=32, description=KIND)
    description: str = ""
    owner_id: Id | None = None
    approver_id: Id | None = None
    rrule: str = Field(max_length=500, description='RFC 5545, e.g. "FREQ=MONTHLY;BYMONTHDAY=-1"')
    starts_on: date = Field(None, description="defaults to the contract's start")
    ends_on: date | None = Field(None, description="empty: the contract's end")
    period_end: PeriodEnd = Field(PeriodEnd.NONE, description="snap each date to a period's end")
    roll: Roll = Field(Roll.NONE, description="when a date is not a working day")
    payment_amount: Money | None = None
    window_days: int = Field(366, ge=7, le=3660, description="how far ahead occurrences exist")


class OccurrenceOut(Schema):
    id: int = Field(description="the occurrence's milestone id")
    title: str
    occurrence_date: date | None
    due_date: date | None
    status: str
    detached: bool


class SeriesOut(Schema):
    id: int
    contract_id: int
    title: str
    kind: str
    description: str
    owner_id: int | None
    approver_id: int | None
    rrule: str
    starts_on: date
    ends_on: date | None
    period_end: str
    roll: str
    payment_amount: str | None
    window_days: int
    generated_until: date | None = Field(description="occurrences exist up to this date")
    occurrences: list[OccurrenceOut]
    version: int
    created_at: datetime

    @staticmethod
    def resolve_payment_amount(obj: MilestoneSeries) -> str | None:
        return decimal_text(obj.payment_amount)

    @staticmethod
    def resolve_occurrences(obj: MilestoneSeries) -> list[Milestone]:
        return sorted(obj.items.all(), key=lambda m: (m.occurrence_date or date.min, m.pk))


class OccurrencePatch(MilestonePatch):
    scope: Literal["this", "following"] = Field(
        description="this: only this occurrence; following: it and every later one"
    )
    rrule: str = Field(None, max_length=500, description="scope=following only")
    period_end: PeriodEnd = Field(None, description="scope=following only")
    roll: Roll = Field(None, description="scope=following only")


# --- templates --------------------------------------------------------------------------------


class TemplateItemIn(InSchema):
    title: str
    kind: str = Field("custom", max_length=32, description=KIND)
    description: str = ""
    anchor: Anchor = Field(Anchor.CONTRACT_START, description="a contract date or an earlier item")
    anchor_item: int | None = Field(
        None, ge=0, le=MAX_CHECKLIST, description="for milestone anchors: an earlier item's index"
    )
    offset: int = 0
    unit: Unit = Unit.WORKING_DAYS
    period_end: PeriodEnd = PeriodEnd.NONE
    roll: Roll = Roll.NONE
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
    anchor_item: int | None = Field(description="index of the earlier item it follows")
    offset: int
    unit: str
    period_end: str
    roll: str
    rule_text: str = Field(description="the rule in words")
    payment_share: str | None
    checklist: list[str]


def template_items(template: MilestoneTemplate) -> list[dict[str, Any]]:
    """Items with the index of the item each follows (from the prefetched list: no query)."""
    items: list[TemplateItem] = list(template.items.all())
    index = {item.pk: n for n, item in enumerate(items)}
    out = []
    for item in items:
        ref = index.get(item.anchor_item_id) if item.anchor_item_id else None
        out.append(
            {
                **{f: getattr(item, f) for f in ("title", "kind", "description", "anchor")},
                **{f: getattr(item, f) for f in ("offset", "unit", "period_end", "roll")},
                "anchor_item": ref,
                "rule_text": template_item_rule(
                    item, items[ref].title if ref is not None else None
                ),
                "payment_share": decimal_text(item.payment_share),
                "checklist": [c.title for c in item.checklist.all()],
            }
        )
    return out


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
    def resolve_items(obj: MilestoneTemplate) -> list[dict[str, Any]]:
        return template_items(obj)

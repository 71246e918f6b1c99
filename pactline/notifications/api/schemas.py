"""Schemas of the notifications API, one family per resource."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from ninja import Field, Schema

from pactline.api_common import Id, InSchema, QueryIn, Version
from pactline.notifications.models import Delivery, Subscription

Days = Field(None, ge=0, le=366)


class NotificationOut(Schema):
    id: int
    topic: str
    title: str
    body: str
    url: str = Field(description="the page of the object, relative to the site")
    contract_id: int | None
    milestone_id: int | None
    created_at: datetime
    read: bool
    read_at: datetime | None

    @staticmethod
    def resolve_read(obj: Any) -> bool:
        return obj.read_at is not None


class NotificationFilter(QueryIn):
    unread: bool | None = Field(None, description="true: only unread ones")


class CountOut(Schema):
    count: int


class PolicyIn(InSchema):
    """Fields left out keep the value of the policy in force for this scope."""

    enabled: bool = Field(None)
    days_before: list[int] = Field(None, max_length=10, description="e.g. [14, 7, 1]")
    on_due_date: bool = Field(None)
    overdue_every_days: int | None = Days
    escalate_owner_after_days: int | None = Days
    escalate_contact_after_days: int | None = Days
    escalation_contact_id: Id | None = Field(None, description="none: the organisation's admins")
    business_days: bool = Field(None, description="count working days of the contract's calendar")
    skip_non_working_days: bool = Field(None)
    send_hour: int = Field(None, ge=0, le=23, description="local hour of each recipient")
    remind_notice_deadline: bool = Field(None)
    remind_contract_end: bool = Field(None)
    version: Version | None = None


class PolicyOut(Schema):
    source: str = Field(
        description="where it comes from: default, organisation, contract, milestone"
    )
    enabled: bool
    days_before: list[int]
    on_due_date: bool
    overdue_every_days: int | None
    escalate_owner_after_days: int | None
    escalate_contact_after_days: int | None
    escalation_contact_id: int | None
    business_days: bool
    skip_non_working_days: bool
    send_hour: int
    remind_notice_deadline: bool
    remind_contract_end: bool
    version: int = Field(0, description="0 while this scope has no policy of its own")


Channel = Literal["webhook", "slack", "teams"]


class WebhookIn(InSchema):
    channel: Channel = "webhook"
    name: str = Field(max_length=100)
    url: str = Field(max_length=500)
    event_types: list[str] = Field(
        None, max_length=50, description='e.g. ["milestone.status_changed", "contract.*"]; [] = all'
    )
    contract_id: Id | None = Field(None, description="Slack and Teams only: one contract")
    active: bool = True


class WebhookPatch(InSchema):
    name: str = Field(None, max_length=100)
    url: str = Field(None, max_length=500)
    event_types: list[str] = Field(None, max_length=50)
    contract_id: Id | None = Field(None)
    active: bool = Field(None, description="true switches a disabled subscription on again")
    version: Version | None = None


class WebhookOut(Schema):
    id: int
    channel: str
    name: str
    url: str
    event_types: list[str]
    contract_id: int | None
    active: bool
    disabled_at: datetime | None
    disabled_reason: str
    consecutive_failures: int
    secret: str = Field(description="HMAC-SHA256 key of X-Pactline-Signature (webhooks)")
    version: int
    created_at: datetime

    @staticmethod
    def resolve_secret(obj: Subscription) -> str:
        return obj.secret


class AttemptOut(Schema):
    number: int
    started_at: datetime
    duration_ms: int
    ok: bool
    status_code: int | None
    error: str


class DeliveryOut(Schema):
    id: int
    event_id: int | None
    event_type: str
    status: str
    attempts: int
    next_attempt_at: datetime | None
    last_error: str
    created_at: datetime
    sent_at: datetime | None
    attempt_log: list[AttemptOut] = Field(description="newest first")

    @staticmethod
    def resolve_event_type(obj: Delivery) -> str:
        return str(obj.payload.get("type", ""))

    @staticmethod
    def resolve_attempt_log(obj: Delivery) -> list[Any]:
        return list(obj.attempt_rows.all())


class WatchIn(InSchema):
    contract_id: Id | None = None
    milestone_id: Id | None = None


class WatchOut(Schema):
    id: int
    contract_id: int
    milestone_id: int | None
    created_at: datetime


class PreferenceIn(InSchema):
    topic: Literal["reminder", "escalation", "assignment", "approval", "activity", "admin"]
    email: Literal["immediate", "daily", "weekly", "off"]
    in_app: bool = True


class PreferenceOut(Schema):
    topic: str
    email: str
    in_app: bool


class SnoozeIn(InSchema):
    until: date = Field(description="reminders to you wait until this date (after today)")


class ReminderStateOut(Schema):
    milestone_id: int
    snoozed_until: date | None
    acknowledged_due: date | None

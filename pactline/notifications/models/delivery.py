"""Outbound messages: subscriptions (webhook, Slack, Teams), deliveries and their attempts.

A Delivery is one message to one target (a person on a channel, or a subscription). Its `key`
is unique and names what it is for, so the same reminder or event can never be queued twice
for the same target, whatever crashes or races happen. Every send attempt is a row.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from pactline.accounts.models import Organisation
from pactline.contracts.models import Contract


class Subscription(models.Model):
    """An organisation's endpoint: a signed JSON webhook, or a Slack / Teams incoming webhook.

    Chat subscriptions may be limited to one contract. `event_types` filters by the events'
    type (e.g. "milestone.status_changed"); empty means every type.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=16, default="webhook")
    name = models.CharField(max_length=100)
    url = models.URLField(max_length=500)
    secret = models.CharField(max_length=100, blank=True)
    event_types = models.JSONField(default=list, blank=True)
    contract = models.ForeignKey(
        Contract, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    active = models.BooleanField(default=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=500, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    # Deliveries of one subscription go out one at a time, in order: a worker holds this lease.
    claimed_until = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["organisation", "active"], name="subscription_org")]

    def __str__(self) -> str:
        return self.name


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"  # to be sent at next_attempt_at
    QUEUED = "queued", "Waiting for the digest"
    BATCHED = "batched", "Sent in a digest"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"  # permanently, or out of attempts
    CANCELLED = "cancelled", "Cancelled"  # no longer relevant (e.g. the milestone is done)


class Delivery(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255, unique=True)
    channel = models.CharField(max_length=16)
    topic = models.CharField(max_length=16, blank=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    subscription = models.ForeignKey(
        Subscription, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    # What it is about; plain ids, so history survives deletions (like events).
    event_id = models.BigIntegerField(null=True, blank=True)
    contract_id = models.BigIntegerField(null=True, blank=True)
    milestone_id = models.BigIntegerField(null=True, blank=True)
    target = models.CharField(max_length=16, blank=True)  # reminders: due | notice | end
    rule = models.CharField(max_length=24, blank=True)
    occurrence = models.DateField(null=True, blank=True)
    payload = models.JSONField(default=dict)
    status = models.CharField(
        max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    digest = models.CharField(max_length=8, blank=True)  # daily / weekly while queued
    batch = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="items"
    )
    attempts = models.PositiveIntegerField(default=0)
    # When a pending delivery is due; a worker that takes it moves this forward by a lease.
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_error = models.CharField(max_length=1000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-pk"]
        verbose_name_plural = "deliveries"
        indexes = [
            models.Index(fields=["subscription", "status", "id"], name="delivery_subscription"),
            models.Index(fields=["recipient", "status", "digest"], name="delivery_digest"),
            models.Index(fields=["milestone_id", "occurrence"], name="delivery_milestone"),
        ]

    def __str__(self) -> str:
        return self.key


class DeliveryAttempt(models.Model):
    """One try to send a delivery: what happened and how long it took."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_rows")
    number = models.PositiveIntegerField()
    started_at = models.DateTimeField(default=timezone.now)
    duration_ms = models.PositiveIntegerField(default=0)
    ok = models.BooleanField(default=False)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=1000, blank=True)

    class Meta:
        ordering = ["-pk"]

    def __str__(self) -> str:
        return f"{self.delivery_id} #{self.number}"


class OutboxCursor(models.Model):
    """How far the dispatcher has read an organisation's event log."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="+", primary_key=True
    )
    last_seq = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.organisation_id} @ {self.last_seq}"

"""What to remind about and whom: policies, watches, per-person snoozes and preferences."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from pactline.accounts.models import Organisation
from pactline.contracts.models import Contract
from pactline.milestones.models import Milestone


def default_days_before() -> list[int]:
    return [14, 7, 1]


class ReminderPolicy(models.Model):
    """When to remind. One organisation default, optionally one per contract and per milestone;
    the most specific one applies as a whole (see notifications.policies.resolve)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    contract = models.ForeignKey(
        Contract, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    milestone = models.ForeignKey(
        Milestone, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    enabled = models.BooleanField(default=True)
    # Days before the date, e.g. [14, 7, 1]: a list of small whole numbers, validated.
    days_before = models.JSONField(default=default_days_before)
    on_due_date = models.BooleanField(default=True)
    overdue_every_days = models.PositiveSmallIntegerField(null=True, blank=True, default=3)
    escalate_owner_after_days = models.PositiveSmallIntegerField(null=True, blank=True, default=3)
    escalate_contact_after_days = models.PositiveSmallIntegerField(null=True, blank=True, default=7)
    # Nobody named: the organisation's admins and owners.
    escalation_contact = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    business_days = models.BooleanField(default=False)
    skip_non_working_days = models.BooleanField(default=False)
    send_hour = models.PositiveSmallIntegerField(default=9)
    remind_notice_deadline = models.BooleanField(default=True)
    remind_contract_end = models.BooleanField(default=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(contract__isnull=True, milestone__isnull=True),
                name="uniq_policy_org",
            ),
            models.UniqueConstraint(
                fields=["contract"],
                condition=Q(contract__isnull=False, milestone__isnull=True),
                name="uniq_policy_contract",
            ),
            models.UniqueConstraint(
                fields=["milestone"], condition=Q(milestone__isnull=False), name="uniq_policy_ms"
            ),
        ]

    def __str__(self) -> str:
        return f"reminder policy ({self.scope})"

    @property
    def scope(self) -> str:
        if self.milestone_id is not None:
            return "milestone"
        return "contract" if self.contract_id is not None else "organisation"


class Watch(models.Model):
    """A person follows a contract (all its milestones) or one milestone."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="+")
    milestone = models.ForeignKey(
        Milestone, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "contract"],
                condition=Q(milestone__isnull=True),
                name="uniq_watch_contract",
            ),
            models.UniqueConstraint(
                fields=["user", "milestone"],
                condition=Q(milestone__isnull=False),
                name="uniq_watch_milestone",
            ),
        ]
        indexes = [models.Index(fields=["contract", "milestone"], name="watch_subject")]

    def __str__(self) -> str:
        return f"{self.user_id} watches {self.milestone_id or self.contract_id}"


class ReminderState(models.Model):
    """One person's snooze and acknowledgement of one milestone's reminders.

    A snooze holds that person's reminders until the date; an acknowledgement stops the
    repeating overdue reminders to them while the due date stays what they acknowledged.
    Escalations to others go on either way.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    snoozed_until = models.DateField(null=True, blank=True)
    acknowledged_due = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["milestone", "user"], name="uniq_reminder_state"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} on {self.milestone_id}"


class Topic(models.TextChoices):
    REMINDER = "reminder", "Reminders of coming and overdue dates"
    ESCALATION = "escalation", "Escalations of overdue milestones"
    ASSIGNMENT = "assignment", "Milestones given to you (owner or approver)"
    APPROVAL = "approval", "Submissions for your acceptance, and decisions on yours"
    ACTIVITY = "activity", "Changes to what you watch"
    ADMIN = "admin", "Notices for administrators (e.g. a webhook was disabled)"


class EmailMode(models.TextChoices):
    IMMEDIATE = "immediate", "At once"
    DAILY = "daily", "Daily digest"
    WEEKLY = "weekly", "Weekly digest (Mondays)"
    OFF = "off", "Off"


class Preference(models.Model):
    """How one person hears about one topic. Without a row the defaults in preferences.py hold."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    topic = models.CharField(max_length=16, choices=Topic.choices)
    email = models.CharField(max_length=16, choices=EmailMode.choices)
    in_app = models.BooleanField(default=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "topic"], name="uniq_preference"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.topic}: {self.email}"

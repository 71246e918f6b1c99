"""Parties (clients, vendors, partners) with their contacts, and contracts between them."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from pactline.accounts.models import Organisation


class PartyKind(models.TextChoices):
    CLIENT = "client", "Client"
    VENDOR = "vendor", "Vendor"
    PARTNER = "partner", "Partner"
    OTHER = "other", "Other"


class Party(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=PartyKind.choices, default=PartyKind.CLIENT)
    registration_number = models.CharField(max_length=64, blank=True)
    address = models.TextField(blank=True)
    website = models.URLField(blank=True)
    notes = models.TextField(blank=True)
    # Custom field values by key, validated by pactline.customfields.services.clean_values.
    custom_fields = models.JSONField(default=dict, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "parties"
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="uniq_party_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Contact(models.Model):
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=64, blank=True)
    role = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=50)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="uniq_tag_name"),
        ]

    def __str__(self) -> str:
        return self.name


class ContractStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Active"
    ON_HOLD = "on_hold", "On hold"
    COMPLETED = "completed", "Completed"
    TERMINATED = "terminated", "Terminated"


CLOSED_CONTRACT_STATUSES = {ContractStatus.COMPLETED, ContractStatus.TERMINATED}


class Contract(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    number = models.CharField(max_length=64)
    title = models.CharField(max_length=300)
    # The contract's id in another system (a spreadsheet, an ERP); imports match on it.
    external_id = models.CharField(max_length=100, blank=True, db_index=True)
    description = models.TextField(blank=True)
    parties = models.ManyToManyField(Party, blank=True, related_name="contracts")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_contracts",
    )
    value = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, default="EUR")
    signed_on = models.DateField(null=True, blank=True)
    start_on = models.DateField(null=True, blank=True)
    end_on = models.DateField(null=True, blank=True)
    time_zone = models.CharField(max_length=64, default="UTC")
    # Working-day calendar: ISO 3166 country (and subdivision) whose public holidays count.
    calendar_country = models.CharField(max_length=2, blank=True)
    calendar_subdivision = models.CharField(max_length=10, blank=True)
    # Working days of the week as bits, Monday = 1, Tuesday = 2 ... Sunday = 64 (Mon-Fri = 31).
    workweek = models.PositiveSmallIntegerField(default=31)
    status = models.CharField(
        max_length=16, choices=ContractStatus.choices, default=ContractStatus.DRAFT
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="contracts")
    # Days before the end date by which notice (e.g. of non-renewal) must be given.
    notice_period_days = models.PositiveSmallIntegerField(null=True, blank=True)
    # When the reminder sweep next has something to send about the contract's own dates
    # (notice deadline, end); kept by pactline.notifications, like Milestone.next_reminder_at.
    next_reminder_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # Restricted: only its named members (ContractMember) and the organisation's admins and
    # owners see it; for everyone else it does not exist.
    restricted = models.BooleanField(default=False)
    # Penalty terms for milestones that follow them (penalty_kind "contract"), and a cap on the
    # contract's total; see pactline.reports.money.
    penalty_kind = models.CharField(max_length=24, default="none")
    penalty_rate = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    penalty_grace_days = models.PositiveIntegerField(default=0)
    penalty_working_days = models.BooleanField(default=False)
    penalty_cap_kind = models.CharField(max_length=24, default="none")
    penalty_cap = models.DecimalField(max_digits=18, decimal_places=3, null=True, blank=True)
    # Derived totals after waivers and the cap, kept by pactline.reports.penalties: as of
    # `penalties_as_of` (None: to be computed again); `penalty_live`: an open milestone has
    # terms, so the totals move with the days.
    penalty_accrued = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    penalty_projected = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    penalties_as_of = models.DateField(null=True, blank=True)
    penalty_live = models.BooleanField(default=False)
    # Custom field values by key, validated by pactline.customfields.services.clean_values.
    custom_fields = models.JSONField(default=dict, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "number"], name="uniq_contract_number"),
        ]
        indexes = [
            models.Index(fields=["organisation", "status"], name="contract_org_status"),
            models.Index(fields=["organisation", "owner"], name="contract_org_owner"),
            models.Index(fields=["organisation", "penalties_as_of"], name="contract_org_penalties"),
            # Reports: penalties to compute again (stale: NULL, or live and older than today),
            # and the few restricted contracts someone may not see (reports.queries.filters).
            models.Index(
                fields=["organisation", "penalty_live", "penalties_as_of"],
                name="contract_penalty_live",
            ),
            models.Index(
                fields=["organisation"],
                name="contract_restricted",
                condition=models.Q(restricted=True),
            ),
            models.Index(
                fields=["organisation", "currency", "penalty_accrued", "penalty_projected"],
                name="contract_penalty_totals",
                condition=models.Q(penalty_accrued__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_CONTRACT_STATUSES

    @property
    def notice_deadline(self) -> date | None:
        """The last day to give notice: the end date less the notice period."""
        if self.end_on is None or self.notice_period_days is None:
            return None
        return self.end_on - timedelta(days=self.notice_period_days)


class ContractMember(models.Model):
    """A person named on a restricted contract: they see it although it is restricted."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contract_memberships"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["contract_id", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "user"], name="uniq_contract_member"),
        ]
        indexes = [models.Index(fields=["user", "contract"], name="contract_member_user")]

    def __str__(self) -> str:
        return f"{self.user} on {self.contract_id}"


class RestrictedRemnant(models.Model):
    """What stays of a deleted restricted contract: who may still read its history.

    Events keep the contract's id after it is deleted; `visible_events` and the notifications
    audience hide them from everybody this row does not name, as while the contract existed.
    Written by `services.delete_contract` in the same transaction as the deletion.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    contract_id = models.BigIntegerField()
    number = models.CharField(max_length=64)
    deleted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "contract_id"], name="uniq_restricted_remnant"
            ),
        ]

    def __str__(self) -> str:
        return f"deleted restricted contract {self.number}"


class RestrictedRemnantMember(models.Model):
    """A person named on the restricted contract when it was deleted."""

    remnant = models.ForeignKey(RestrictedRemnant, on_delete=models.CASCADE, related_name="members")
    user_id = models.BigIntegerField()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["remnant", "user_id"], name="uniq_remnant_member"),
        ]
        indexes = [models.Index(fields=["user_id", "remnant"], name="remnant_member_user")]

    def __str__(self) -> str:
        return f"{self.user_id} on {self.remnant_id}"

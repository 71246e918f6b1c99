"""Milestones of a contract, their checklists, and reusable milestone templates."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from pactline.accounts.models import Organisation
from pactline.contracts.models import Contract
from pactline.milestones.scheduling import Anchor, PeriodEnd, Roll, Unit


class MilestoneKind(models.TextChoices):
    INITIATION = "initiation", "Project initiation"
    DESIGN_APPROVAL = "design_approval", "Design approval"
    DEVELOPMENT_COMPLETE = "development_complete", "Development complete"
    USER_ACCEPTANCE = "user_acceptance", "User acceptance testing"
    GO_LIVE = "go_live", "Deployment and go-live"
    COMPLETION = "completion", "Completion"
    PAYMENT = "payment", "Payment"
    DELIVERABLE = "deliverable", "Deliverable"
    REPORT = "report", "Report"
    CUSTOM = "custom", "Custom"


class MilestoneType(models.Model):
    """A kind of milestone, per organisation: its `key` is what milestones, template items and
    series store in their `kind` column (and the API's name for it); the rest is presentation
    and defaults (see pactline.milestones.types). Seeded from `MilestoneKind` for every
    organisation. Archived types stay valid on existing rows but are no longer offered."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=32)
    name = models.CharField(max_length=100)
    colour = models.CharField(max_length=7, default="#64748b")
    icon = models.CharField(max_length=32, blank=True)
    # Titles of checklist items every new milestone of this type starts with.
    default_checklist = models.JSONField(default=list, blank=True)
    # Reminder policy fields (pactline.notifications.policies) given to every new milestone of
    # this type as its own policy; empty: the contract's or organisation's policy applies.
    default_reminders = models.JSONField(default=dict, blank=True)
    position = models.PositiveIntegerField(default=0)
    archived = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "key"], name="uniq_milestone_type_key"),
            models.UniqueConstraint(
                fields=["organisation", "name"], name="uniq_milestone_type_name"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class MilestoneStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    SUBMITTED = "submitted", "Submitted"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


COMPLETE_STATUSES = frozenset({MilestoneStatus.ACCEPTED, MilestoneStatus.DONE})
OPEN_STATUSES = frozenset(
    {
        MilestoneStatus.PLANNED,
        MilestoneStatus.IN_PROGRESS,
        MilestoneStatus.SUBMITTED,
        MilestoneStatus.REJECTED,
    }
)

ANCHOR_CHOICES = [(a.value, a.label) for a in Anchor]
UNIT_CHOICES = [(u.value, u.label) for u in Unit]
ROLL_CHOICES = [(r.value, r.label) for r in Roll]
PERIOD_END_CHOICES = [(p.value, p.label) for p in PeriodEnd]
LAG_UNIT_CHOICES = [(u.value, u.label) for u in (Unit.WORKING_DAYS, Unit.CALENDAR_DAYS)]


class Milestone(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=300)
    # The milestone's id in another system (a spreadsheet, a project plan); imports match on it.
    external_id = models.CharField(max_length=100, blank=True, db_index=True)
    kind = models.CharField(max_length=32, default="custom")  # a MilestoneType key
    description = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_milestones",
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="approved_milestones",
    )
    # The due date rule (see scheduling/): a fixed date, or an offset from an anchor, then
    # snapped to a period end and rolled off non-working days.
    due_anchor = models.CharField(max_length=24, choices=ANCHOR_CHOICES, default="absolute")
    due_fixed = models.DateField(null=True, blank=True)
    due_offset = models.IntegerField(default=0)
    due_unit = models.CharField(max_length=16, choices=UNIT_CHOICES, default="calendar_days")
    due_period_end = models.CharField(max_length=32, choices=PERIOD_END_CHOICES, default="none")
    due_roll = models.CharField(max_length=24, choices=ROLL_CHOICES, default="none")
    anchor_milestone = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="anchored"
    )
    # What the rule and the dependencies give, and a manual override beside it.
    computed_due_date = models.DateField(null=True, blank=True)
    due_override = models.DateField(null=True, blank=True)
    due_override_reason = models.CharField(max_length=500, blank=True)
    # The date in force: the override when there is one, else the computed date.
    due_date = models.DateField(null=True, blank=True)
    due_date_trace = models.CharField(max_length=500, blank=True)
    # Computed from a forecast because the anchor milestone is not complete yet.
    due_provisional = models.BooleanField(default=False)
    baseline_due_date = models.DateField(null=True, blank=True)
    forecast_date = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=16, choices=MilestoneStatus.choices, default=MilestoneStatus.PLANNED
    )
    completed_on = models.DateField(null=True, blank=True)
    payment_amount = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    # The contract's currency, copied (derived, no event): the payment figures group by it
    # without a join per row. Kept by the services: set when a milestone is made, rewritten
    # when the contract's currency changes (contracts.services.update_contract).
    currency = models.CharField(max_length=3, blank=True, default="")
    # Share of the contract value in percent; when set, payment_amount follows the value.
    payment_share = models.DecimalField(max_digits=6, decimal_places=3, null=True, blank=True)
    # The day its payment may be invoiced: set when a payment milestone is accepted (or done).
    invoiceable_on = models.DateField(null=True, blank=True)
    # Money (pactline.reports): invoiced and paid dates, set by the payment service; a retention
    # share held back until another milestone is complete, with its own invoiced/paid dates.
    invoiced_on = models.DateField(null=True, blank=True)
    paid_on = models.DateField(null=True, blank=True)
    retention_percent = models.DecimalField(max_digits=6, decimal_places=3, null=True, blank=True)
    retention_release_milestone = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Derived: payment_amount x retention_percent, kept by the services (exact sums in SQL).
    retention_amount = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    retention_invoiced_on = models.DateField(null=True, blank=True)
    retention_paid_on = models.DateField(null=True, blank=True)
    # Penalty terms ("contract": the contract's terms); see pactline.reports.money.
    penalty_kind = models.CharField(max_length=24, default="none")
    penalty_rate = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    penalty_grace_days = models.PositiveIntegerField(default=0)
    penalty_working_days = models.BooleanField(default=False)
    penalty_cap_kind = models.CharField(max_length=24, default="none")
    penalty_cap = models.DecimalField(max_digits=18, decimal_places=3, null=True, blank=True)
    # Derived exposure after waivers (None: no terms apply), kept by pactline.reports.penalties.
    penalty_accrued = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    penalty_projected = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    position = models.PositiveIntegerField(default=0)
    shared_with_guests = models.BooleanField(default=False)
    # An occurrence of a recurring obligation; `detached` once edited on its own.
    series = models.ForeignKey(
        "MilestoneSeries", null=True, blank=True, on_delete=models.SET_NULL, related_name="items"
    )
    occurrence_date = models.DateField(null=True, blank=True)
    detached = models.BooleanField(default=False)
    # Custom field values by key, validated by pactline.customfields.services.clean_values.
    custom_fields = models.JSONField(default=dict, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # When the reminder sweep next has something to send for it (aware UTC); None: nothing.
    # Derived data kept by pactline.notifications, like the forecast: no event, no version.
    next_reminder_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["contract_id", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "occurrence_date"],
                name="uniq_series_occurrence",
                condition=Q(series__isnull=False),
            ),
        ]
        indexes = [
            # Open work by due date, covering what the dashboard's counts read (one grouped
            # pass per due date, reports.queries.dashboard._open_counts).
            models.Index(
                fields=["organisation", "due_date", "forecast_date", "status", "contract"],
                name="milestone_open_due",
                condition=Q(status__in=["planned", "in_progress", "submitted", "rejected"]),
            ),
            models.Index(
                fields=["organisation", "status", "due_date"], name="milestone_org_status"
            ),
            models.Index(fields=["organisation", "owner", "due_date"], name="milestone_org_owner"),
            models.Index(fields=["contract", "position"], name="milestone_contract_pos"),
            # A contract's worst health and next due milestone (contracts.queries.contract_list):
            # one index-only probe per contract and health.
            models.Index(
                fields=["contract", "status", "due_date", "forecast_date", "completed_on"],
                name="milestone_contract_health",
            ),
            # Dashboard, analytics and cash flow (pactline.reports.queries): covering indexes,
            # so counts over open or completed work read the index alone.
            models.Index(
                fields=[
                    "organisation",
                    "owner",
                    "due_date",
                    "forecast_date",
                    "baseline_due_date",
                    "status",
                    "contract",
                ],
                name="milestone_open_covering",
                condition=Q(status__in=["planned", "in_progress", "submitted", "rejected"]),
            ),
            models.Index(
                fields=[
                    "organisation",
                    "completed_on",
                    "due_date",
                    "kind",
                    "owner",
                    "contract",
                    "status",
                ],
                name="milestone_done_covering",
                condition=Q(completed_on__isnull=False),
            ),
            models.Index(
                fields=[
                    "organisation",
                    "currency",
                    "due_date",
                    "payment_amount",
                    "retention_amount",
                    "invoiceable_on",
                    "invoiced_on",
                    "status",
                    "contract",
                ],
                name="milestone_unpaid_cover",
                condition=Q(payment_amount__isnull=False, paid_on__isnull=True),
            ),
            # The dashboard's "at risk": milestones whose rule follows another (a few), read
            # through this index instead of a scan (reports.queries.dashboard.at_risk_q).
            models.Index(
                fields=["anchor_milestone"],
                name="milestone_anchored",
                condition=Q(due_anchor__in=["milestone", "milestone_done"]),
            ),
            models.Index(
                fields=["organisation", "currency", "contract", "retention_amount", "status"],
                name="milestone_retention_held",
                condition=Q(retention_amount__isnull=False, retention_paid_on__isnull=True),
            ),
            models.Index(
                fields=[
                    "organisation",
                    "paid_on",
                    "currency",
                    "payment_amount",
                    "retention_amount",
                ],
                name="milestone_paid",
                condition=Q(paid_on__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_complete(self) -> bool:
        return self.status in COMPLETE_STATUSES

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def slip_days(self) -> int | None:
        if self.due_date is None or self.baseline_due_date is None:
            return None
        return (self.due_date - self.baseline_due_date).days

    @property
    def payment_currency(self) -> str:
        return self.contract.currency


class Dependency(models.Model):
    """Finish-to-start: `successor` is due no earlier than `predecessor`'s finish + lag."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    predecessor = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="+")
    successor = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="links")
    lag = models.IntegerField(default=0)
    lag_unit = models.CharField(max_length=16, choices=LAG_UNIT_CHOICES, default="working_days")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]
        verbose_name_plural = "dependencies"
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="uniq_dependency"),
        ]
        indexes = [models.Index(fields=["predecessor"], name="dependency_predecessor")]

    def __str__(self) -> str:
        return f"{self.predecessor_id} -> {self.successor_id}"


class MilestoneSeries(models.Model):
    """A recurring obligation: real milestones generated ahead from an RFC 5545 rule."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="series")
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=32, default="report")  # a MilestoneType key
    description = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rrule = models.CharField(max_length=500)
    starts_on = models.DateField()
    # Defaults to the contract's end date when empty.
    ends_on = models.DateField(null=True, blank=True)
    period_end = models.CharField(max_length=32, choices=PERIOD_END_CHOICES, default="none")
    roll = models.CharField(max_length=24, choices=ROLL_CHOICES, default="none")
    payment_amount = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    window_days = models.PositiveIntegerField(default=366)
    generated_until = models.DateField(null=True, blank=True)
    # Custom-field values every generated occurrence starts with (milestone fields).
    custom_fields = models.JSONField(default=dict, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["contract_id", "pk"]
        verbose_name_plural = "milestone series"

    def __str__(self) -> str:
        return self.title


class ChecklistItem(models.Model):
    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="checklist")
    title = models.CharField(max_length=300)
    done = models.BooleanField(default=False)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    position = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title


class MilestoneTemplate(models.Model):
    """A reusable set of milestones. Built-in templates have no organisation and are read-only."""

    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    builtin_key = models.CharField(max_length=64, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="uniq_template_name"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_builtin(self) -> bool:
        return self.organisation_id is None


class TemplateItem(models.Model):
    """One milestone of a template: due at an offset from a contract date."""

    template = models.ForeignKey(MilestoneTemplate, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField(default=0)
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=32, default="custom")  # a MilestoneType key
    description = models.TextField(blank=True)
    anchor = models.CharField(max_length=24, choices=ANCHOR_CHOICES, default="contract_start")
    # For anchors "milestone"/"milestone_done": an earlier item of the same template.
    anchor_item = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    offset = models.IntegerField(default=0)
    unit = models.CharField(max_length=16, choices=UNIT_CHOICES, default="working_days")
    period_end = models.CharField(max_length=32, choices=PERIOD_END_CHOICES, default="none")
    roll = models.CharField(max_length=24, choices=ROLL_CHOICES, default="none")
    payment_share = models.DecimalField(max_digits=6, decimal_places=3, null=True, blank=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title


class TemplateChecklistItem(models.Model):
    item = models.ForeignKey(TemplateItem, on_delete=models.CASCADE, related_name="checklist")
    title = models.CharField(max_length=300)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title


ZERO = Decimal("0")

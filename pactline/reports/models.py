"""Rows of the reports app: penalty waivers and report subscriptions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from pactline.accounts.models import Organisation
from pactline.contracts.models import Contract
from pactline.milestones.models import Milestone


class PenaltyWaiver(models.Model):
    """A penalty given up, in part (`amount`) or whole (no amount), always with a reason."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="+")
    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="waivers")
    amount = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    reason = models.CharField(max_length=500)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["milestone_id", "pk"]

    def __str__(self) -> str:
        return f"waiver {self.amount or 'all'} on {self.milestone_id}"


class ReportKind(models.TextChoices):
    PORTFOLIO = "portfolio", "Portfolio status"
    CONTRACT = "contract", "Contract status"


class Frequency(models.TextChoices):
    WEEKLY = "weekly", "Weekly (Mondays)"
    MONTHLY = "monthly", "Monthly (the 1st)"


class ReportSubscription(models.Model):
    """A person receives a PDF report by e-mail every week or month."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_subscriptions"
    )
    kind = models.CharField(max_length=16, choices=ReportKind.choices, default="portfolio")
    contract = models.ForeignKey(
        Contract, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    frequency = models.CharField(max_length=16, choices=Frequency.choices, default="weekly")
    # The next day (organisation's time zone) it is sent; the task claims due rows by an UPDATE.
    next_send_on = models.DateField()
    last_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["next_send_on"], name="report_sub_next")]

    def __str__(self) -> str:
        return f"{self.kind} {self.frequency} for {self.user_id}"

"""The ledger of reminders that have fallen due: one row per subject, date, rule and occurrence.

The row is written once (unique), with the "reminded"/"escalated" event that tells webhooks and
chat subscriptions; each person's e-mail and in-app deliveries are keyed below it.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from pactline.accounts.models import Organisation


class Reminder(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    subject_type = models.CharField(max_length=16)  # milestone | contract
    subject_id = models.BigIntegerField()
    contract_id = models.BigIntegerField()
    target = models.CharField(max_length=16)  # due | notice | end
    target_date = models.DateField()
    rule = models.CharField(max_length=24)
    occurrence = models.DateField()
    event_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject_type", "subject_id", "target", "rule", "occurrence"],
                name="uniq_reminder",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject_type}:{self.subject_id} {self.rule} {self.occurrence}"

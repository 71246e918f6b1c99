"""Saved import mappings, calendar feed tokens and organisation closure days."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from pactline.accounts.models import Organisation
from pactline.contracts.models import Contract


class ImportMapping(models.Model):
    """A named column mapping (spreadsheet header -> import field), re-used across imports.

    `mapping` is a JSON object of a fixed shape, validated by `services.save_mapping`.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=100)
    mapping = models.JSONField(default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="uniq_import_mapping"),
        ]

    def __str__(self) -> str:
        return self.name


class FeedScope(models.TextChoices):
    MINE = "mine", "My milestones"
    CONTRACT = "contract", "One contract"
    ORGANISATION = "organisation", "Whole organisation"


class FeedToken(models.Model):
    """A secret calendar URL. Only the SHA-256 of the secret is stored; it is shown once."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feed_tokens"
    )
    scope = models.CharField(max_length=16, choices=FeedScope.choices)
    contract = models.ForeignKey(
        Contract, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    hint = models.CharField(max_length=12)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(scope="contract", contract__isnull=False)
                    | (~models.Q(scope="contract") & models.Q(contract__isnull=True))
                ),
                name="feed_contract_iff_scope",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_scope_display()} feed ({self.hint}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class OrganisationClosure(models.Model):
    """A day the organisation does not work (company holiday, office closure)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    name = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "date"], name="uniq_closure_date"),
        ]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.name}"

"""Custom field definitions. The values are stored on the objects (`custom_fields` JSON)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from pactline.accounts.models import Organisation


class ObjectType(models.TextChoices):
    CONTRACT = "contract", "Contract"
    MILESTONE = "milestone", "Milestone"
    PARTY = "party", "Party"


class FieldType(models.TextChoices):
    TEXT = "text", "Text"
    LONG_TEXT = "long_text", "Long text"
    NUMBER = "number", "Number"
    MONEY = "money", "Money (amount and currency)"
    DATE = "date", "Date"
    BOOLEAN = "boolean", "Yes / no"
    CHOICE = "choice", "Single choice"
    MULTI_CHOICE = "multi_choice", "Multiple choice"
    USER = "user", "Member of the organisation"
    URL = "url", "Web address (URL)"


# Types whose bounds (min_value / max_value) mean something, and how they are written.
RANGE_TYPES = frozenset({FieldType.NUMBER, FieldType.MONEY, FieldType.DATE})
CHOICE_TYPES = frozenset({FieldType.CHOICE, FieldType.MULTI_CHOICE})
TEXT_TYPES = frozenset({FieldType.TEXT, FieldType.LONG_TEXT, FieldType.URL})


class CustomField(models.Model):
    """One field an organisation adds to its contracts, milestones or parties.

    `key` is the stable slug used in the API, JSON, filters (`cf_<key>`) and exports;
    `label` is what people read. Bounds are stored as text (a decimal or an ISO date).
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    object_type = models.CharField(max_length=16, choices=ObjectType.choices)
    key = models.CharField(max_length=50)
    label = models.CharField(max_length=100)
    help_text = models.CharField(max_length=300, blank=True)
    field_type = models.CharField(max_length=16, choices=FieldType.choices)
    required = models.BooleanField(default=False)
    default = models.JSONField(null=True, blank=True)
    choices = models.JSONField(default=list, blank=True)
    min_value = models.CharField(max_length=40, blank=True)
    max_value = models.CharField(max_length=40, blank=True)
    regex = models.CharField(max_length=300, blank=True)
    position = models.PositiveIntegerField(default=0)
    hidden_from_guests = models.BooleanField(default=False)
    # Date fields: remind the owner this many days before the date (None: no reminder).
    remind_days_before = models.PositiveSmallIntegerField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["object_type", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "object_type", "key"], name="uniq_custom_field_key"
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "object_type", "position"], name="cf_org_type"),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.object_type})"

    @property
    def param(self) -> str:
        """The query parameter that filters by this field."""
        return f"cf_{self.key}"

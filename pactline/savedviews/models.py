"""Saved views: a list's columns, filters and sort under a name, private or shared.

A view stores query parameters and column keys, never ids of rows: applying it runs the list's
own query (with permissions.visible_*) for whoever opens it, so restricted contracts and guest
visibility hold whatever the view says.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from pactline.accounts.models import Organisation


class ListKey(models.TextChoices):
    CONTRACTS = "contracts", "Contracts"
    MILESTONES = "milestones", "Milestones"
    PARTIES = "parties", "Parties"


class SavedView(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views"
    )
    list_key = models.CharField(max_length=20, choices=ListKey.choices)
    name = models.CharField(max_length=100)
    shared = models.BooleanField(default=False)
    # Column keys in display order ([]: the list's default columns).
    columns = models.JSONField(default=list, blank=True)
    # Filters and sort as query parameters: {"status": ["active"], "sort": ["-value"]}.
    params = models.JSONField(default=dict, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["list_key", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "owner", "list_key", "name"], name="uniq_saved_view_name"
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "list_key", "shared"], name="saved_view_list"),
        ]

    def __str__(self) -> str:
        return self.name


class DefaultView(models.Model):
    """The view a person's list opens with when it has no parameters (one per list)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    list_key = models.CharField(max_length=20, choices=ListKey.choices)
    view = models.ForeignKey(SavedView, on_delete=models.CASCADE, related_name="defaults")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user", "list_key"], name="uniq_default_view"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.list_key} default of {self.user_id}"

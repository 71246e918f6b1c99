"""The in-app inbox, and the ids of signed e-mail links already used."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from pactline.accounts.models import Organisation
from pactline.notifications.models.delivery import Delivery


class Notification(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    delivery = models.OneToOneField(
        Delivery, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    topic = models.CharField(max_length=16)
    title = models.CharField(max_length=300)
    body = models.CharField(max_length=2000, blank=True)
    url = models.CharField(max_length=500, blank=True)
    contract_id = models.BigIntegerField(null=True, blank=True)
    milestone_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "organisation", "read_at"], name="notification_inbox"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class UsedLink(models.Model):
    """A signed e-mail link that has done its action: each works once."""

    link_id = models.CharField(max_length=32, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    action = models.CharField(max_length=16)
    used_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.link_id

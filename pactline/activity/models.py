"""The event log: one append-only row for everything that happens.

Events are the audit trail, the activity feed and (later) the source of notifications and
webhooks. Subjects are referenced by type and id, not foreign keys, so deleting a contract
never rewrites its history. Each event carries a hash over its content and the previous
event's hash in the same organisation, so an edit behind the application's back shows.
"""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

from pactline.accounts.models import Organisation


class Event(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    seq = models.BigIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    actor_label = models.CharField(max_length=254)
    verb = models.CharField(max_length=40)
    subject_type = models.CharField(max_length=32)
    subject_id = models.BigIntegerField()
    subject_label = models.CharField(max_length=300, blank=True)
    contract_id = models.BigIntegerField(null=True, blank=True)
    summary = models.CharField(max_length=500, blank=True)
    changes = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["-seq"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "seq"], name="uniq_event_seq"),
        ]
        indexes = [
            models.Index(
                fields=["organisation", "subject_type", "subject_id"], name="event_subject"
            ),
            models.Index(fields=["organisation", "contract_id", "seq"], name="event_contract"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.verb} {self.subject_type}:{self.subject_id}"

    def content_hash(self) -> str:
        body = {
            "organisation": self.organisation_id,
            "seq": self.seq,
            "created_at": self.created_at.isoformat(),
            "actor": self.actor_id,
            "actor_label": self.actor_label,
            "verb": self.verb,
            "subject_type": self.subject_type,
            "subject_id": self.subject_id,
            "subject_label": self.subject_label,
            "contract_id": self.contract_id,
            "summary": self.summary,
            "changes": self.changes,
            "prev_hash": self.prev_hash,
        }
        raw = json.dumps(body, sort_keys=True, cls=DjangoJSONEncoder, separators=(",", ":"))
        return hashlib.sha256(raw.encode()).hexdigest()

"""One reading of a contract's text (`ExtractionRun`) and what it proposed (`Proposal`).

The run keeps the text exactly as the engine read it, so every proposal's offsets point into
it and the review page can highlight the quotes. A proposal records the person's decision and
the object it created or changed; it is never applied without that decision.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from pactline.accounts.models import Organisation
from pactline.contracts.models import Contract
from pactline.extraction.model import Field

MAX_TEXT_CHARS = 1_000_000  # a long contract with exhibits is about 300,000 characters
MAX_QUOTE_CHARS = 2_000


class ExtractionRun(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="+")
    filename = models.CharField(max_length=255, blank=True)  # empty for pasted text
    text = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["contract", "-created_at"], name="extraction_contract")]

    def __str__(self) -> str:
        return f"Key dates of {self.source_name}"

    @property
    def source_name(self) -> str:
        return self.filename or "pasted text"


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", "To review"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"


FIELD_LABELS = {
    Field.AGREEMENT_DATE: "Agreement date",
    Field.EFFECTIVE_DATE: "Effective date",
    Field.EXPIRATION_DATE: "Expiration date",
    Field.RENEWAL_TERM: "Renewal term",
    Field.NOTICE_PERIOD: "Notice period",
    Field.NOTICE_DEADLINE: "Last day to give notice of non-renewal",
    Field.OBLIGATION: "Obligation",
}


class Proposal(models.Model):
    """One value found in the text, with its evidence and the reviewer's decision.

    The value is stored by kind: a date (`value_date`), a length of time (`duration_*`), a
    rule (`due_*`, in the deadline engine's vocabulary; `anchor_event` names an event that is
    not a contract date), or text (`value`, which also holds the displayed form of the others
    and "perpetual"). A redacted or unknown value leaves all of them empty.
    """

    run = models.ForeignKey(ExtractionRun, on_delete=models.CASCADE, related_name="proposals")
    position = models.PositiveIntegerField(default=0)
    field = models.CharField(max_length=32, choices=[(f.value, FIELD_LABELS[f]) for f in Field])
    label = models.CharField(max_length=32, blank=True)  # obligations: payment, delivery, report
    value = models.CharField(max_length=300, blank=True)
    value_date = models.DateField(null=True, blank=True)
    duration_amount = models.PositiveIntegerField(null=True, blank=True)
    duration_unit = models.CharField(max_length=16, blank=True)
    due_anchor = models.CharField(max_length=20, blank=True)
    due_offset = models.IntegerField(null=True, blank=True)
    due_unit = models.CharField(max_length=16, blank=True)
    anchor_event = models.CharField(max_length=100, blank=True)
    quote = models.TextField(blank=True)
    start = models.PositiveIntegerField(null=True, blank=True)
    end = models.PositiveIntegerField(null=True, blank=True)
    confidence = models.FloatField(default=0)
    source = models.CharField(max_length=100, blank=True)
    trace = models.CharField(max_length=500, blank=True)
    redacted = models.BooleanField(default=False)
    status = models.CharField(
        max_length=16, choices=ProposalStatus.choices, default=ProposalStatus.PROPOSED
    )
    edited_value = models.CharField(max_length=300, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    result_type = models.CharField(max_length=32, blank=True)  # "contract" or "milestone"
    result_id = models.BigIntegerField(null=True, blank=True)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["run", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.field_label}: {self.shown_value}"

    @property
    def field_label(self) -> str:
        base = FIELD_LABELS[Field(self.field)]
        return f"{base} ({self.label})" if self.label else base

    @property
    def shown_value(self) -> str:
        if self.redacted:
            return "redacted"
        return self.value or "unknown"

    @property
    def is_open(self) -> bool:
        return self.status == ProposalStatus.PROPOSED

    @property
    def has_value(self) -> bool:
        return not self.redacted and bool(self.value)

    @property
    def confidence_percent(self) -> int:
        return round(self.confidence * 100)

    @property
    def badge_class(self) -> str:
        """The status badge's colour, shared with milestone statuses."""
        return "status-planned" if self.is_open else f"status-{self.status}"

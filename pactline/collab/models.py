"""Working with the other side: comments (with their revisions), documents (with their
versions) and signed links that let a contact without an account act on one milestone."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

from pactline.accounts.models import Organisation
from pactline.contracts.models import Contact, Contract
from pactline.milestones.models import Milestone


class Comment(models.Model):
    """A comment on a contract, or on one of its milestones (`milestone` set)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="comments")
    milestone = models.ForeignKey(
        Milestone, null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Who wrote it, as the audit trail names them (a contact through a signed link has no user).
    author_label = models.CharField(max_length=254)
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["contract", "milestone", "created_at"], name="comment_target"),
        ]

    def __str__(self) -> str:
        return f"comment by {self.author_label}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class CommentRevision(models.Model):
    """The text a comment had before an edit or a deletion: the history is kept."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    written_at = models.DateTimeField()
    replaced_at = models.DateTimeField(default=timezone.now)
    replaced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["comment_id", "pk"]

    def __str__(self) -> str:
        return f"revision of comment {self.comment_id}"


class DocumentKind(models.TextChoices):
    CONTRACT = "contract", "Contract"
    DELIVERABLE = "deliverable", "Deliverable"
    CERTIFICATE = "certificate", "Certificate"
    OTHER = "other", "Other"


class Document(models.Model):
    """A document of a contract or milestone; each upload of a new file is a new version."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="documents")
    milestone = models.ForeignKey(
        Milestone, null=True, blank=True, on_delete=models.CASCADE, related_name="documents"
    )
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=DocumentKind.choices, default="other")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["title", "pk"]
        indexes = [models.Index(fields=["contract", "milestone"], name="document_target")]

    def __str__(self) -> str:
        return self.title


class DocumentVersion(models.Model):
    """One stored file. `storage_name` is our own random name; `filename` is the sanitised
    name the uploader gave, used only in Content-Disposition."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    filename = models.CharField(max_length=150)
    storage_name = models.CharField(max_length=255, unique=True)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=100)
    sha256 = models.CharField(max_length=64)
    note = models.CharField(max_length=500, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_label = models.CharField(max_length=254)
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["document_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="uniq_document_version"),
        ]

    def __str__(self) -> str:
        return f"{self.filename} (v{self.number})"


class LinkPurpose(models.TextChoices):
    SUBMIT = "submit", "Submit a deliverable"
    DECIDE = "decide", "Accept or reject"


def hash_link_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ContactLink(models.Model):
    """A signed, expiring, revocable link that lets a contact (no account) act on one milestone:
    submit a deliverable, or accept / reject a submission. Only the token's SHA-256 is kept."""

    PREFIX = "plc_"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="links")
    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="contact_links")
    purpose = models.CharField(max_length=16, choices=LinkPurpose.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} link for {self.contact}"

    @classmethod
    def generate(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(32)

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

"""A document version's file goes when its row goes (a contract or milestone deleted with its
documents), once the deletion is committed, so a rolled-back deletion keeps its files."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from pactline.collab.models import DocumentVersion


@receiver(post_delete, sender=DocumentVersion)
def delete_file(sender: type[DocumentVersion], instance: DocumentVersion, **kwargs: Any) -> None:
    from pactline.collab.services.documents import document_storage

    name = instance.storage_name
    transaction.on_commit(lambda: document_storage().delete(name))

"""Submitting a milestone for acceptance with its deliverables (documents) and a note, in one
transaction: the files become documents of the milestone and the "submitted" event names them."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from pactline.accounts.permissions import Actor
from pactline.collab.models import DocumentKind
from pactline.collab.services.documents import Upload, upload_document
from pactline.milestones import services as milestone_services
from pactline.milestones.models import Milestone, MilestoneStatus

MAX_DELIVERABLES = 20


@transaction.atomic
def submit_for_acceptance(
    actor: Actor,
    milestone: Milestone,
    note: str = "",
    files: Sequence[Upload] = (),
    expected_version: int | None = None,
) -> Milestone:
    # Checked first, so nothing is stored for a submission that cannot happen.
    milestone_services.check_transition(actor, milestone, MilestoneStatus.SUBMITTED)
    if len(files) > MAX_DELIVERABLES:
        from pactline.errors import ValidationFailed

        raise ValidationFailed.one("files", f"at most {MAX_DELIVERABLES} files at once")
    deliverables = []
    for upload in files:
        version = upload_document(
            actor, milestone.contract, upload, milestone=milestone, kind=DocumentKind.DELIVERABLE
        )
        deliverables.append(
            {
                "document_id": version.document_id,
                "version_id": version.pk,
                "filename": version.filename,
                "version": version.number,
            }
        )
    return milestone_services.transition(
        actor,
        milestone,
        MilestoneStatus.SUBMITTED,
        expected_version,
        note=note,
        deliverables=deliverables,
    )

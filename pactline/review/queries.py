"""Scoping: runs and proposals are visible exactly when their contract is."""

from __future__ import annotations

from django.db.models import QuerySet

from pactline.accounts import permissions
from pactline.accounts.permissions import Actor
from pactline.review.models import ExtractionRun, Proposal


def can_review(actor: Actor) -> bool:
    """Reading a contract's text for dates, and accepting them, is contract management."""
    return permissions.can_manage_contracts(actor)


def visible_runs(actor: Actor) -> QuerySet[ExtractionRun]:
    contracts = permissions.visible_contracts(actor).values("pk")
    return ExtractionRun.objects.filter(organisation=actor.organisation, contract__in=contracts)


def visible_proposals(actor: Actor) -> QuerySet[Proposal]:
    return Proposal.objects.filter(run__in=visible_runs(actor).values("pk"))


def contract_runs(actor: Actor, contract_id: int) -> QuerySet[ExtractionRun]:
    return visible_runs(actor).filter(contract_id=contract_id)

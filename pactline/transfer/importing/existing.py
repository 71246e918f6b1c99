"""What the organisation already holds, loaded once per import for matching and diffs."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from pactline.accounts.models import Membership
from pactline.accounts.permissions import Actor, visible_contracts, visible_milestones
from pactline.accounts.permissions import visible_parties as parties_of
from pactline.contracts.models import Contract

NUMBER_UNAVAILABLE = "this contract number is not available; choose another"

CONTRACT_COLUMNS = (
    "pk",
    "number",
    "external_id",
    "title",
    "description",
    "owner_id",
    "value",
    "currency",
    "status",
    "start_on",
    "end_on",
    "signed_on",
    "version",
    "custom_fields",
)
MILESTONE_COLUMNS = (
    "pk",
    "contract_id",
    "title",
    "external_id",
    "kind",
    "description",
    "owner_id",
    "approver_id",
    "due_date",
    "due_anchor",
    "payment_amount",
    "payment_share",
    "status",
    "version",
    "custom_fields",
)


class Existing:
    """Contracts, milestones, parties and members of the actor's organisation, as dicts."""

    def __init__(self, actor: Actor) -> None:
        self.contracts: dict[int, dict[str, Any]] = {
            c["pk"]: c for c in visible_contracts(actor).values(*CONTRACT_COLUMNS)
        }
        self.by_number = {c["number"]: c for c in self.contracts.values()}
        # Numbers held by contracts the actor may not see (restricted ones): refused with the
        # same words as any other number that cannot be used, never "already used".
        self.unavailable_numbers = set(
            Contract.objects.filter(organisation=actor.organisation)
            .exclude(pk__in=list(self.contracts))
            .values_list("number", flat=True)
        )
        self.by_external: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for c in self.contracts.values():
            if c["external_id"]:
                self.by_external[c["external_id"]].append(c)
        self.parties = {p["name"].lower(): p for p in parties_of(actor).values("pk", "name")}
        party_names = {p["pk"]: p["name"] for p in self.parties.values()}
        self.contract_parties: dict[int, set[str]] = defaultdict(set)
        through = visible_contracts(actor).values_list("pk", "parties")
        for contract_id, party_id in through:
            if party_id is not None:
                self.contract_parties[contract_id].add(party_names[party_id])
        self.milestones: dict[int, dict[str, Any]] = {}
        self.milestones_of: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for m in visible_milestones(actor).values(*MILESTONE_COLUMNS).order_by("pk"):
            self.milestones[m["pk"]] = m
            self.milestones_of[m["contract_id"]].append(m)
        members = Membership.objects.filter(organisation=actor.organisation)
        self.members = dict(members.values_list("user__email", "user_id"))
        self.members = {email.lower(): pk for email, pk in self.members.items()}
        self.emails = {pk: email for email, pk in self.members.items()}

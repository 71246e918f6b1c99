"""Who may hear about which contract and milestone: the rule of `accounts/permissions.py`
(`visible_contracts`, `visible_milestones`, `visible_events`) applied to a batch of
recipients at once, so nobody is told about something that does not exist for them.

- a restricted contract exists only for the members named on it, admins and owners;
- a guest sees only contracts their party is a party to, and of those only the milestones
  shared with guests; contract-level events are internal (as in `visible_events`);
- a deleted restricted contract keeps its restriction (`contracts.RestrictedRemnant`).

Loaded once per batch with a fixed number of queries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from pactline.accounts.models import Membership, Role
from pactline.contracts.models import Contract, ContractMember, RestrictedRemnant
from pactline.milestones.models import Milestone

SEES_ALL = frozenset({Role.ADMIN, Role.OWNER})


@dataclass
class Sight:
    roles: dict[tuple[int, int], str]  # (organisation, user) -> role
    guest_party: dict[tuple[int, int], int | None] = field(default_factory=dict)
    named: dict[int, set[int]] = field(default_factory=dict)  # restricted contract -> users
    parties: dict[int, set[int]] = field(default_factory=dict)  # contract -> party ids

    @classmethod
    def load(
        cls,
        organisation_ids: Iterable[int],
        contracts: Iterable[Contract],
        deleted: Iterable[int] = (),
        users: Iterable[int] | None = None,
    ) -> Sight:
        """`contracts`: the contracts concerned; `deleted`: ids of contracts that are gone;
        `users`: only these people (default: every member)."""
        contracts = list(contracts)
        roles: dict[tuple[int, int], str] = {}
        guest_party: dict[tuple[int, int], int | None] = {}
        memberships = Membership.objects.filter(
            organisation_id__in=set(organisation_ids), user__is_active=True
        )
        if users is not None:
            memberships = memberships.filter(user_id__in=set(users))
        rows = memberships.values_list("organisation_id", "user_id", "role", "party_id")
        for org_id, user_id, role, party_id in rows:
            roles[(org_id, user_id)] = role
            if role == Role.GUEST:
                guest_party[(org_id, user_id)] = party_id
        named: dict[int, set[int]] = {c.pk: set() for c in contracts if c.restricted}
        for contract_id, user_id in ContractMember.objects.filter(
            contract_id__in=list(named)
        ).values_list("contract_id", "user_id"):
            named[contract_id].add(user_id)
        deleted = set(deleted) - {c.pk for c in contracts}
        if deleted:
            for contract_id, user_id in RestrictedRemnant.objects.filter(
                contract_id__in=deleted
            ).values_list("contract_id", "members__user_id"):
                named.setdefault(contract_id, set())
                if user_id is not None:
                    named[contract_id].add(user_id)
        parties: dict[int, set[int]] = defaultdict(set)
        if guest_party:
            for contract_id, party_id in Contract.parties.through.objects.filter(
                contract_id__in=[c.pk for c in contracts]
            ).values_list("contract_id", "party_id"):
                parties[contract_id].add(party_id)
        return cls(roles, guest_party, named, parties)

    def role(self, organisation_id: int, user_id: int) -> str | None:
        return self.roles.get((organisation_id, user_id))

    def sees_contract(self, organisation_id: int, contract_id: int | None, user_id: int) -> bool:
        """The contract (alive or deleted) exists for this member."""
        role = self.role(organisation_id, user_id)
        if role is None:
            return False
        if contract_id is None:
            return True
        hidden = contract_id in self.named and role not in SEES_ALL
        if hidden and user_id not in self.named[contract_id]:
            return False
        if role == Role.GUEST:
            party = self.guest_party.get((organisation_id, user_id))
            return party is not None and party in self.parties.get(contract_id, set())
        return True

    def sees_milestone(self, milestone: Milestone, user_id: int) -> bool:
        if not self.sees_contract(milestone.organisation_id, milestone.contract_id, user_id):
            return False
        role = self.role(milestone.organisation_id, user_id)
        return role != Role.GUEST or milestone.shared_with_guests

    def is_guest(self, organisation_id: int, user_id: int) -> bool:
        return self.role(organisation_id, user_id) == Role.GUEST


def still_visible(
    organisation_id: int, user_id: int, contract_id: int | None, milestone_id: int | None
) -> bool:
    """Right before a personal message goes out: does its contract (and milestone) still exist
    for its recipient? A restriction or a membership may have changed since it was queued."""
    if contract_id is None:
        return True
    contract = Contract.objects.filter(pk=contract_id).first()
    sight = Sight.load(
        [organisation_id], [contract] if contract else [], deleted=[contract_id], users=[user_id]
    )
    milestone = Milestone.objects.filter(pk=milestone_id).first() if milestone_id else None
    if milestone is not None:
        return sight.sees_milestone(milestone, user_id)
    return sight.sees_contract(organisation_id, contract_id, user_id)

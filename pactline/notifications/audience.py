"""Who hears about an event, on which topic, in their own words.

- a submission: the approver (approval); an acceptance or rejection: the owner (approval);
- a new owner or approver of a milestone, a new owner of a contract (assignment);
- anything that happens to a watched milestone or contract (activity);
- a subscription switched off after failures: the admins and owners (admin).
Nobody hears about their own action; people who are no longer members hear nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.urls import reverse

from pactline.accounts.models import Membership, Organisation, Role
from pactline.accounts.terminology import terms_of
from pactline.activity.models import Event
from pactline.contracts.models import Contract
from pactline.milestones.models import Milestone
from pactline.notifications import messages, outgoing
from pactline.notifications.models import Delivery, Topic, Watch
from pactline.notifications.preferences import Preferences
from pactline.notifications.visibility import Sight

ACTIVITY_VERBS = frozenset(
    {
        "created",
        "updated",
        "rescheduled",
        "status_changed",
        "deleted",
        "checklist_added",
        "checklist_removed",
        "checklist_ticked",
        "dependency_added",
        "dependency_removed",
        "commented",
    }
)
RANK = {Topic.ADMIN: 4, Topic.APPROVAL: 3, Topic.ASSIGNMENT: 2, Topic.ACTIVITY: 1}


def _after(event: Event, field: str) -> object:
    change = (event.changes or {}).get(field)
    return change.get("after") if isinstance(change, dict) else None


@dataclass
class Audience:
    organisation: Organisation
    roles: dict[int, str]
    contract_watchers: dict[int, set[int]]
    milestone_watchers: dict[int, set[int]]
    prefs: Preferences
    # Who may see which contract and milestone (restricted contracts, guests).
    sight: Sight | None = None

    @classmethod
    def load(
        cls,
        organisation: Organisation,
        events: Iterable[Event],
        contracts: dict[int, Contract],
        milestones: dict[int, Milestone],
    ) -> Audience:
        events = list(events)
        roles = dict(
            Membership.objects.filter(organisation=organisation, user__is_active=True).values_list(
                "user_id", "role"
            )
        )
        by_contract: dict[int, set[int]] = defaultdict(set)
        by_milestone: dict[int, set[int]] = defaultdict(set)
        contract_ids = set(contracts) | {
            e.subject_id for e in events if e.subject_type == "contract"
        }
        for contract_id, milestone_id, user_id in Watch.objects.filter(
            contract_id__in=contract_ids
        ).values_list("contract_id", "milestone_id", "user_id"):
            (by_milestone[milestone_id] if milestone_id else by_contract[contract_id]).add(user_id)
        gone = {e.contract_id for e in events if e.contract_id and e.contract_id not in contracts}
        sight = Sight.load([organisation.pk], contracts.values(), deleted=gone)
        prefs = Preferences.load(roles)
        return cls(organisation, roles, by_contract, by_milestone, prefs, sight)

    def sees(
        self, event: Event, contract: Contract | None, milestone: Milestone | None, user_id: int
    ) -> bool:
        """Nobody hears about what does not exist for them (access, issue 5): a restricted
        contract they are not named on (deleted or not), and for a guest anything but the
        milestones shared with them (as `permissions.visible_events`)."""
        if self.sight is None:
            return True
        org = self.organisation.pk
        if milestone is not None:
            return self.sight.sees_milestone(milestone, user_id)
        if not self.sight.sees_contract(org, event.contract_id, user_id):
            return False
        return not self.sight.is_guest(org, user_id) or event.subject_type == "subscription"

    def _who(
        self, event: Event, contract: Contract | None, milestone: Milestone | None
    ) -> dict[int, tuple[str, str]]:
        found: dict[int, tuple[str, str]] = {}

        def add(user_id: object, topic: str, title: str) -> None:
            if not isinstance(user_id, int):
                return
            if user_id not in found or RANK[topic] > RANK[found[user_id][0]]:
                found[user_id] = (topic, title)

        kind, verb = event.subject_type, event.verb
        label = event.subject_label
        if kind == "subscription" and verb == "disabled":
            for user_id, role in self.roles.items():
                if role in (Role.ADMIN, Role.OWNER):
                    add(user_id, Topic.ADMIN, event.summary)
            return found
        if verb == "mentioned":  # a comment names them (access and collaboration, issue 5)
            for user_id in _after(event, "mentioned_ids") or []:
                add(user_id, Topic.ASSIGNMENT, f"{event.actor_label} mentioned you on {label}")
            return found
        if verb not in ACTIVITY_VERBS:
            return found
        watchers = set(self.contract_watchers.get(event.contract_id or 0, set()))
        if kind == "milestone":
            watchers |= self.milestone_watchers.get(event.subject_id, set())
        for user_id in watchers:
            add(user_id, Topic.ACTIVITY, event.summary or f"{label} {verb.replace('_', ' ')}")
        status = _after(event, "status")
        if kind == "milestone" and milestone is not None:
            if status == "submitted":
                add(milestone.approver_id, Topic.APPROVAL, f"{label} awaits your acceptance")
            elif status in ("accepted", "rejected"):
                add(milestone.owner_id, Topic.APPROVAL, f"{label} was {status}")
            add(_after(event, "owner_id"), Topic.ASSIGNMENT, f"You now own {label}")
            add(_after(event, "approver_id"), Topic.ASSIGNMENT, f"You now approve {label}")
        if kind == "contract":
            word = terms_of(self.organisation).word("contract", "lower")  # its own word
            add(_after(event, "owner_id"), Topic.ASSIGNMENT, f"You now own {word} {label}")
        return found

    def deliveries(
        self, event: Event, contract: Contract | None, milestone: Milestone | None
    ) -> list[Delivery]:
        out: list[Delivery] = []
        url = _url(event, contract, milestone)
        for user_id, (topic, title) in sorted(self._who(event, contract, milestone).items()):
            if user_id == event.actor_id or user_id not in self.roles:
                continue
            if not self.sees(event, contract, milestone, user_id):
                continue
            fields = {
                "organisation": self.organisation,
                "topic": topic,
                "recipient_id": user_id,
                "event_id": event.pk,
                "contract_id": event.contract_id,
                "milestone_id": milestone.pk if milestone else None,
                "payload": messages.event_message(topic, title, event, url),
            }
            choice = self.prefs.of(user_id, topic)
            out += outgoing.personal_deliveries(f"event:{event.pk}:user:{user_id}", choice, fields)
        return out


def _url(event: Event, contract: Contract | None, milestone: Milestone | None) -> str:
    if milestone is not None:
        return messages.absolute(reverse("milestone-detail", args=[milestone.pk]))
    if event.subject_type == "subscription":
        return messages.absolute(reverse("webhook-detail", args=[event.subject_id]))
    if contract is not None:
        return messages.absolute(reverse("contract-detail", args=[contract.pk]))
    return ""

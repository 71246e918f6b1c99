"""Everything the reminder rules need about a batch of milestones or contracts, loaded at once:
policies, calendars, members and their time zones, watchers, snoozes, preferences, and what
has been sent already. A fixed number of queries per batch, whatever its size."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from pactline.accounts.models import Membership, Organisation, Role
from pactline.contracts.models import Contract, ContractStatus
from pactline.milestones.models import OPEN_STATUSES, Milestone
from pactline.milestones.scheduling import WorkCalendar
from pactline.milestones.services import calendar_for
from pactline.milestones.services.common import closures_for
from pactline.notifications.models import Delivery, Reminder, ReminderState, Topic, Watch
from pactline.notifications.policies import PolicyIndex
from pactline.notifications.preferences import Preferences
from pactline.notifications.reminders.rules import Group, Policy, Recipient
from pactline.notifications.visibility import Sight

ORGANISATION = 0  # the pseudo-recipient whose reminders become events (webhooks, chat)
QUIET_CONTRACTS = frozenset(
    {ContractStatus.ON_HOLD, ContractStatus.COMPLETED, ContractStatus.TERMINATED}
)
ADMIN_ROLES = frozenset({Role.ADMIN, Role.OWNER})
SENT_LOOKBACK_DAYS = 400


def remindable(m: Milestone) -> bool:
    return m.status in OPEN_STATUSES and m.due_date is not None and not _quiet(m.contract)


def _quiet(c: Contract) -> bool:
    return c.status in QUIET_CONTRACTS


def open_for_fields(m: Milestone) -> bool:
    """A milestone whose date custom fields may still remind (no due date needed)."""
    return m.status in OPEN_STATUSES and not _quiet(m.contract)


@dataclass(frozen=True)
class DateField:
    """A date custom field with a reminder: "remind `days` days before"."""

    pk: int
    key: str
    label: str
    days: int

    @property
    def target(self) -> str:
        return f"cf:{self.pk}"  # fits Delivery.target; a renamed key keeps its ledger


def date_field_targets(
    ctx: Context, subject: Contract | Milestone, object_type: str
) -> list[tuple[DateField, date]]:
    """The subject's date custom fields that carry a reminder, with their dates."""
    if object_type == "contract" and _quiet(subject):  # type: ignore[arg-type]
        return []
    out = []
    values = subject.custom_fields or {}
    for f in ctx.date_fields.get((subject.organisation_id, object_type), []):
        raw = values.get(f.key)
        if isinstance(raw, str):
            try:
                out.append((f, date.fromisoformat(raw)))
            except ValueError:
                continue
    return out


def contract_targets(c: Contract, policy: Policy) -> list[tuple[str, date]]:
    """The contract's own dates to remind of: notice deadline and end."""
    if _quiet(c) or not policy.enabled:
        return []
    out = []
    if policy.remind_notice_deadline and c.notice_deadline is not None:
        out.append(("notice", c.notice_deadline))
    if policy.remind_contract_end and c.end_on is not None:
        out.append(("end", c.end_on))
    return out


@dataclass
class Member:
    user_id: int
    role: str
    time_zone: str


@dataclass
class Context:
    policies: PolicyIndex
    organisations: dict[int, Organisation]
    members: dict[int, dict[int, Member]]  # organisation -> user -> member
    contract_watchers: dict[int, set[int]]
    milestone_watchers: dict[int, set[int]]
    states: dict[tuple[int, int], ReminderState]  # (milestone, user)
    prefs: Preferences
    sent: dict[tuple[str, int, str], set[tuple[int, str, date]]]  # (type, id, target)
    closures: dict[int, dict[date, str]] = field(default_factory=dict)
    # (organisation, object type) -> date custom fields with a reminder (customfields)
    date_fields: dict[tuple[int, str], list[DateField]] = field(default_factory=dict)
    sight: Sight | None = None  # restricted contracts and guests: nobody hears of the unseen

    def calendar(self, c: Contract) -> WorkCalendar:
        if c.organisation_id not in self.closures:
            self.closures[c.organisation_id] = closures_for(c.organisation_id)
        return calendar_for(c, self.closures[c.organisation_id])

    def org_zone(self, organisation_id: int) -> str:
        return self.organisations[organisation_id].default_time_zone

    def already(
        self, subject_type: str, subject_id: int, target: str
    ) -> set[tuple[int, str, date]]:
        return self.sent.get((subject_type, subject_id, target), set())

    def _recipients(
        self, organisation_id: int, wanted: dict[int, set[Group]], milestone_id: int | None
    ) -> list[Recipient]:
        members = self.members.get(organisation_id, {})
        out = [Recipient(ORGANISATION, self.org_zone(organisation_id), frozenset(Group))]
        for user_id, groups in sorted(wanted.items()):
            member = members.get(user_id)
            if member is None:
                continue  # no longer a member (or deactivated): nobody to tell
            reachable = frozenset(g for g in groups if self._reachable(user_id, g))
            if not reachable:
                continue
            state = self.states.get((milestone_id or 0, user_id))
            out.append(
                Recipient(
                    user_id,
                    member.time_zone,
                    reachable,
                    snoozed_until=state.snoozed_until if state else None,
                    acknowledged=bool(state and state.acknowledged_due),
                )
            )
        return out

    def _reachable(self, user_id: int, group: Group) -> bool:
        topic = Topic.REMINDER if group is Group.REMIND else Topic.ESCALATION
        return self.prefs.of(user_id, topic).any

    def milestone_recipients(self, m: Milestone, policy: Policy) -> list[Recipient]:
        wanted: dict[int, set[Group]] = defaultdict(set)
        for user_id in (m.owner_id, m.approver_id):
            if user_id:
                wanted[user_id].add(Group.REMIND)
        for user_id in self.contract_watchers.get(m.contract_id, set()):
            wanted[user_id].add(Group.REMIND)
        for user_id in self.milestone_watchers.get(m.pk, set()):
            wanted[user_id].add(Group.REMIND)
        if m.contract.owner_id:
            wanted[m.contract.owner_id].add(Group.ESCALATE_OWNER)
        for user_id in self._escalation_contacts(m.organisation_id, policy):
            wanted[user_id].add(Group.ESCALATE_CONTACT)
        if self.sight is not None:
            wanted = {u: g for u, g in wanted.items() if self.sight.sees_milestone(m, u)}
        recipients = self._recipients(m.organisation_id, wanted, m.pk)
        # An acknowledgement holds only while the due date is the one acknowledged.
        return [
            r
            if not r.acknowledged or self._ack_holds(m, r.user_id)
            else Recipient(r.user_id, r.time_zone, r.groups, r.snoozed_until, False)
            for r in recipients
        ]

    def _ack_holds(self, m: Milestone, user_id: int) -> bool:
        state = self.states.get((m.pk, user_id))
        return state is not None and state.acknowledged_due == m.due_date

    def _escalation_contacts(self, organisation_id: int, policy: Policy) -> list[int]:
        members = self.members.get(organisation_id, {})
        if policy.escalation_contact_id and policy.escalation_contact_id in members:
            return [policy.escalation_contact_id]
        return [u for u, member in members.items() if member.role in ADMIN_ROLES]

    def contract_recipients(self, c: Contract) -> list[Recipient]:
        wanted: dict[int, set[Group]] = defaultdict(set)
        if c.owner_id:
            wanted[c.owner_id].add(Group.REMIND)
        for user_id in self.contract_watchers.get(c.pk, set()):
            wanted[user_id].add(Group.REMIND)
        if self.sight is not None:
            sight, org = self.sight, c.organisation_id
            wanted = {  # notice and end dates are internal: not for guests
                u: g
                for u, g in wanted.items()
                if sight.sees_contract(org, c.pk, u) and not sight.is_guest(org, u)
            }
        recipients = self._recipients(c.organisation_id, wanted, None)
        only_remind = frozenset({Group.REMIND})
        return [Recipient(r.user_id, r.time_zone, only_remind) for r in recipients]


def load(
    milestones: Iterable[Milestone] = (),
    contracts: Iterable[Contract] = (),
    today: date | None = None,
) -> Context:
    milestones, contracts = list(milestones), list(contracts)
    every_contract = {m.contract for m in milestones} | set(contracts)
    org_ids = {c.organisation_id for c in every_contract}
    contract_ids = {c.pk for c in every_contract}
    milestone_ids = {m.pk for m in milestones}
    members: dict[int, dict[int, Member]] = defaultdict(dict)
    for org_id, user_id, role, tz in Membership.objects.filter(
        organisation_id__in=org_ids, user__is_active=True
    ).values_list("organisation_id", "user_id", "role", "user__time_zone"):
        members[org_id][user_id] = Member(user_id, role, tz)
    contract_watchers: dict[int, set[int]] = defaultdict(set)
    milestone_watchers: dict[int, set[int]] = defaultdict(set)
    for contract_id, milestone_id, user_id in Watch.objects.filter(
        contract_id__in=contract_ids
    ).values_list("contract_id", "milestone_id", "user_id"):
        if milestone_id is None:
            contract_watchers[contract_id].add(user_id)
        else:
            milestone_watchers[milestone_id].add(user_id)
    states = {
        (s.milestone_id, s.user_id): s
        for s in ReminderState.objects.filter(milestone_id__in=milestone_ids)
    }
    every_user = {u for org in members.values() for u in org}
    floor = (today or date.today()) - timedelta(days=SENT_LOOKBACK_DAYS)
    return Context(
        policies=PolicyIndex.load(org_ids, contract_ids, milestone_ids),
        organisations=Organisation.objects.in_bulk(org_ids),
        members=members,
        contract_watchers=contract_watchers,
        milestone_watchers=milestone_watchers,
        states=states,
        prefs=Preferences.load(every_user),
        sent=_sent(milestone_ids, {c.pk for c in contracts}, floor),
        date_fields=_date_fields(org_ids),
        sight=Sight.load(org_ids, every_contract),
    )


def _date_fields(org_ids: set[int]) -> dict[tuple[int, str], list[DateField]]:
    from pactline.customfields.models import CustomField

    out: dict[tuple[int, str], list[DateField]] = defaultdict(list)
    for pk, org, object_type, key, label, days in (
        CustomField.objects.filter(
            organisation_id__in=org_ids, field_type="date", remind_days_before__isnull=False
        )
        .order_by("pk")
        .values_list("pk", "organisation_id", "object_type", "key", "label", "remind_days_before")
    ):
        out[(org, object_type)].append(DateField(pk, key, label, days))
    return dict(out)


def _sent(
    milestone_ids: set[int], contract_ids: set[int], floor: date
) -> dict[tuple[str, int, str], set[tuple[int, str, date]]]:
    sent: dict[tuple[str, int, str], set[tuple[int, str, date]]] = defaultdict(set)
    personal = Delivery.objects.filter(occurrence__gte=floor, recipient__isnull=False)
    for milestone_id, user_id, rule, occ, target in personal.filter(
        milestone_id__in=milestone_ids
    ).values_list("milestone_id", "recipient_id", "rule", "occurrence", "target"):
        sent[("milestone", milestone_id, target)].add((user_id, rule, occ))
    for contract_id, user_id, rule, occ, target in personal.filter(
        contract_id__in=contract_ids, milestone_id__isnull=True
    ).values_list("contract_id", "recipient_id", "rule", "occurrence", "target"):
        sent[("contract", contract_id, target)].add((user_id, rule, occ))
    ledger = Reminder.objects.filter(occurrence__gte=floor)
    for kind, ids in (("milestone", milestone_ids), ("contract", contract_ids)):
        for subject_id, target, rule, occ in ledger.filter(
            subject_type=kind, subject_id__in=ids
        ).values_list("subject_id", "target", "rule", "occurrence"):
            sent[(kind, subject_id, target)].add((ORGANISATION, rule, occ))
    return sent

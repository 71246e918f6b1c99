"""Set-up and inspection steps the fault tests run in a separate process, against the database
the live server uses (`python -m tests.faults.scenario <step> [args]`, with DATABASE_URL and
PACTLINE_DATA_DIR in the environment). Each step prints one JSON object.

Writes go through the services, as everywhere; the state step reads what a user would notice:
counts, dates, versions, events, and whether the audit chain verifies.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from typing import Any


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pactline.settings")
    import django

    django.setup()


def _org() -> dict[str, Any]:
    from pactline.accounts.models import Organisation
    from pactline.accounts.permissions import Actor
    from tests.api.conftest import make_token
    from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

    org = OrganisationFactory(name="Acme", slug="acme", default_time_zone="UTC")
    user = UserFactory(email="maria@acme.test")
    if not user.memberships.filter(organisation=org).exists():
        MembershipFactory(user=user, organisation=org, role="admin")
    org = Organisation.objects.get(pk=org.pk)
    actor = Actor.for_user(user, org)
    return {"org": org, "user": user, "actor": actor, "token": make_token(user, org)}


def seed_chain(n: str) -> dict[str, Any]:
    """A contract whose `n` milestones each follow the one before (the head moves them all)."""
    from pactline.contracts import services as contracts
    from pactline.milestones import services as milestones

    base = _org()
    actor = base["actor"]
    contract = contracts.create_contract(actor, {"number": "CH-1", "title": "Chain"})
    start = dt.date(2027, 3, 1)
    ids = []
    for i in range(int(n)):
        m = milestones.create_milestone(
            actor, contract, {"title": f"Step {i:03d}", "due_date": start + dt.timedelta(days=i)}
        )
        if ids:
            milestones.add_dependency(actor, m, ids[-1], lag=1, lag_unit="calendar_days")
        ids.append(m.pk)
    return {"token": base["token"], "contract": contract.pk, "ids": ids, "state": state()}


def seed_org() -> dict[str, Any]:
    """The organisation, its admin's API token, and one contract with `n` plain milestones."""
    from pactline.contracts import services as contracts
    from pactline.milestones import services as milestones

    base = _org()
    actor = base["actor"]
    contract = contracts.create_contract(actor, {"number": "C-1", "title": "Plain"})
    ids = [
        milestones.create_milestone(
            actor, contract, {"title": f"Item {i}", "due_date": dt.date(2027, 5, 1 + i)}
        ).pk
        for i in range(8)
    ]
    return {"token": base["token"], "contract": contract.pk, "ids": ids, "state": state()}


def seed_hook(address: str, count: str) -> dict[str, Any]:
    """A webhook subscription to `address` and `count` milestone events for it."""
    from pactline.contracts import services as contracts
    from pactline.milestones import services as milestones
    from pactline.notifications import services as notifications

    base = _org()
    actor = base["actor"]
    sub = notifications.create_subscription(
        actor, {"name": "ERP", "url": address, "event_types": ["milestone.*"]}
    )
    contract = contracts.create_contract(actor, {"number": "WH-1", "title": "Hooks"})
    for i in range(int(count)):
        milestones.create_milestone(
            actor, contract, {"title": f"Event {i}", "due_date": dt.date(2027, 7, 1 + i)}
        )
    return {"secret": sub.secret, "subscription": sub.pk}


def seed_reminders(count: str) -> dict[str, Any]:
    """`count` open milestones whose "7 days before" reminder is due now, owned by maria."""
    from django.utils import timezone

    from pactline.contracts import services as contracts
    from pactline.milestones import services as milestones
    from pactline.notifications.models import ReminderPolicy
    from pactline.notifications.reminders import schedule

    base = _org()
    actor, org = base["actor"], base["org"]
    ReminderPolicy.objects.create(
        organisation=org,
        days_before=[7],
        on_due_date=False,
        send_hour=0,
        overdue_every_days=None,
        escalate_owner_after_days=None,
        escalate_contact_after_days=None,
    )
    contract = contracts.create_contract(actor, {"number": "RM-1", "title": "Reminders"})
    due = timezone.now().date() + dt.timedelta(days=7)
    ids = [
        milestones.create_milestone(
            actor,
            contract,
            {"title": f"Reminder {i}", "due_date": due, "owner_id": base["user"].pk},
        ).pk
        for i in range(int(count))
    ]
    schedule.refresh_milestones(ids)
    return {"ids": ids}


def write_many(milestone_id: str, count: str, tag: str) -> dict[str, Any]:
    """One writer: `count` updates of one milestone through the service, each appending a
    token to its description (used by several processes at once)."""
    from pactline.accounts.models import User
    from pactline.accounts.permissions import Actor
    from pactline.milestones import services as milestones
    from pactline.milestones.models import Milestone

    user = User.objects.get(email="maria@acme.test")
    done = 0
    for i in range(int(count)):
        m = Milestone.objects.select_related("contract", "organisation").get(pk=milestone_id)
        actor = Actor.for_user(user, m.organisation)
        milestones.update_milestone(
            actor, m, {"description": f"{m.description} {tag}-{i}".strip()}, m.version
        )
        done += 1
    return {"done": done}


def state() -> dict[str, Any]:
    from pactline.accounts.models import Organisation
    from pactline.activity.models import Event
    from pactline.activity.services import verify_chain, verify_head
    from pactline.contracts.models import Contract
    from pactline.milestones.models import Milestone

    org = Organisation.objects.get(slug="acme")
    broken = verify_chain(org)
    rows = Milestone.objects.filter(organisation=org).order_by("pk")
    from pactline.notifications.models import Delivery

    sent = Delivery.objects.filter(organisation=org).order_by("pk")
    return {
        "deliveries": [[d.channel, d.event_id, d.milestone_id, d.status, d.attempts] for d in sent],
        "contracts": Contract.objects.filter(organisation=org).count(),
        "milestones": rows.count(),
        "events": Event.objects.filter(organisation=org).count(),
        "verbs": sorted(Event.objects.filter(organisation=org).values_list("verb", flat=True)),
        "chain_broken_at": broken.seq if broken else None,
        "head_problem": verify_head(org),
        "due": {str(m.pk): str(m.due_date) for m in rows},
        "version": {str(m.pk): m.version for m in rows},
        "description": {str(m.pk): m.description for m in rows},
    }


STEPS = {
    "seed-chain": seed_chain,
    "seed-org": seed_org,
    "seed-hook": seed_hook,
    "seed-reminders": seed_reminders,
    "write-many": write_many,
    "state": state,
}

if __name__ == "__main__":
    setup()
    print(json.dumps(STEPS[sys.argv[1]](*sys.argv[2:])))

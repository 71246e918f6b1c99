"""Demo data: organisation "Demo Co" with people, parties and contracts in every state.

Everything is created through the services, so the demo also has a full audit trail. Dates are
relative to today, so the demo always shows overdue, due-soon and completed milestones.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils.text import slugify

from pactline.accounts.models import Membership, Organisation, Role, User
from pactline.accounts.permissions import Actor
from pactline.contracts import services as contracts
from pactline.milestones import services as milestones
from pactline.milestones.builtin import STANDARD_DELIVERY
from pactline.milestones.models import MilestoneTemplate

DEMO_ORG = "Demo Co"
DEMO_EMAIL = "demo@example.com"
DEMO_PASSWORD = "demo"

PEOPLE = [
    (DEMO_EMAIL, "Dana Demo", Role.OWNER),
    ("paula@example.com", "Paula Planner", Role.MANAGER),
    ("marc@example.com", "Marc Member", Role.MEMBER),
    ("vic@example.com", "Vic Viewer", Role.VIEWER),
]


def ensure_user(email: str, name: str, password: str | None) -> User:
    user = User.objects.filter(email=email.lower()).first()
    if user is None:
        user = User.objects.create_user(email=email, password=password, name=name)
    return user


def ensure_member(user: User, organisation: Organisation, role: Role) -> Membership:
    membership, _ = Membership.objects.get_or_create(
        user=user, organisation=organisation, defaults={"role": role}
    )
    return membership


def ensure_organisation(name: str) -> Organisation:
    org = Organisation.objects.filter(name=name).first()
    if org is None:
        org = Organisation.objects.create(name=name, slug=slugify(name) or "org")
    return org


@transaction.atomic
def load_demo(today: date | None = None) -> Organisation:
    """Create the demo organisation; does nothing if it exists already."""
    existing = Organisation.objects.filter(name=DEMO_ORG).first()
    if existing is not None:
        return existing
    today = today or date.today()
    org = ensure_organisation(DEMO_ORG)
    org.default_currency = "EUR"
    org.default_time_zone = "Europe/Berlin"
    org.save()
    users = {}
    for email, name, role in PEOPLE:
        users[role] = ensure_user(email, name, DEMO_PASSWORD)
        ensure_member(users[role], org, role)
    actor = Actor.for_user(users[Role.OWNER], org)
    manager = users[Role.MANAGER]
    member = users[Role.MEMBER]

    northwind = contracts.create_party(actor, {"name": "Northwind Traders", "kind": "client"})
    contoso = contracts.create_party(actor, {"name": "Contoso Builders", "kind": "vendor"})
    fabrikam = contracts.create_party(actor, {"name": "Fabrikam Consulting", "kind": "vendor"})
    contracts.add_contact(
        actor,
        northwind,
        {"name": "Nora North", "email": "nora@northwind.test", "role": "Head of procurement"},
    )
    contracts.add_contact(
        actor,
        contoso,
        {"name": "Carl Conto", "email": "carl@contoso.test", "role": "Project manager"},
    )

    standard = MilestoneTemplate.objects.get(organisation=None, builtin_key=STANDARD_DELIVERY)

    # A delivery project well under way: early milestones done, one overdue.
    crm = contracts.create_contract(
        actor,
        {
            "number": "NW-2026-001",
            "title": "CRM implementation for Northwind",
            "party_ids": [northwind.pk],
            "owner_id": manager.pk,
            "value": Decimal("240000.00"),
            "currency": "EUR",
            "signed_on": today - timedelta(days=130),
            "start_on": today - timedelta(days=120),
            "end_on": today + timedelta(days=120),
            "status": "active",
            "calendar_country": "DE",
            "calendar_subdivision": "BE",
            "tags": ["software", "strategic"],
            "description": "Implementation, data migration and roll-out of the CRM.",
        },
        template_id=standard.pk,
    )
    crm_ms = list(crm.milestones.order_by("position"))
    for index, m in enumerate(crm_ms):
        milestones.update_milestone(
            actor,
            m,
            {
                "owner_id": member.pk if index % 2 else manager.pk,
                "approver_id": users[Role.OWNER].pk,
            },
            None,
        )
    for m, late_by in ((crm_ms[0], 0), (crm_ms[1], 3)):
        m.refresh_from_db()
        for status in ("in_progress", "submitted", "accepted"):
            milestones.transition(
                actor,
                m,
                status,
                completed_on=(m.due_date or today) + timedelta(days=late_by)
                if status == "accepted"
                else None,
            )
        m.refresh_from_db()
    crm_ms[2].refresh_from_db()
    milestones.transition(actor, crm_ms[2], "in_progress")

    # A construction contract with a fixed-date plan.
    build = contracts.create_contract(
        actor,
        {
            "number": "CB-2026-014",
            "title": "Warehouse extension",
            "party_ids": [contoso.pk],
            "owner_id": manager.pk,
            "value": Decimal("1850000.00"),
            "currency": "EUR",
            "signed_on": today - timedelta(days=40),
            "start_on": today - timedelta(days=30),
            "end_on": today + timedelta(days=300),
            "status": "active",
            "calendar_country": "DE",
            "tags": ["construction"],
        },
    )
    plan = [
        ("Site handover", -20, "done", Decimal("0")),
        ("Foundations complete", 5, "in_progress", Decimal("370000.00")),
        ("Structure complete", 90, "planned", Decimal("555000.00")),
        ("Building permit inspection", 120, "planned", None),
        ("Practical completion", 280, "planned", Decimal("740000.00")),
    ]
    for title, offset, status, amount in plan:
        m = milestones.create_milestone(
            actor,
            build,
            {
                "title": title,
                "kind": "deliverable",
                "due_date": today + timedelta(days=offset),
                "owner_id": member.pk,
                "payment_amount": amount or None,
            },
        )
        if status == "in_progress":
            milestones.transition(actor, m, "in_progress")
        elif status == "done":
            milestones.transition(actor, m, "done", completed_on=today + timedelta(days=offset))

    # A consulting retainer with monthly reports, one missed.
    advisory = contracts.create_contract(
        actor,
        {
            "number": "FC-2026-003",
            "title": "Procurement advisory retainer",
            "party_ids": [fabrikam.pk],
            "owner_id": users[Role.OWNER].pk,
            "value": Decimal("60000.00"),
            "currency": "EUR",
            "start_on": today - timedelta(days=75),
            "end_on": today + timedelta(days=290),
            "status": "active",
            "tags": ["consulting"],
        },
    )
    for month in range(1, 5):
        due = today - timedelta(days=75) + timedelta(days=30 * month)
        m = milestones.create_milestone(
            actor,
            advisory,
            {
                "title": f"Monthly report {month}",
                "kind": "report",
                "due_date": due,
                "owner_id": member.pk,
            },
        )
        if due < today - timedelta(days=20):
            milestones.transition(actor, m, "done", completed_on=due)

    # A draft awaiting signature, and a completed one for history.
    contracts.create_contract(
        actor,
        {
            "number": "NW-2027-002",
            "title": "Support and maintenance 2027",
            "party_ids": [northwind.pk],
            "value": Decimal("48000.00"),
            "status": "draft",
            "start_on": today + timedelta(days=60),
            "tags": ["software"],
        },
        template_id=None,
    )
    old = contracts.create_contract(
        actor,
        {
            "number": "CB-2025-007",
            "title": "Office refurbishment",
            "party_ids": [contoso.pk],
            "value": Decimal("95000.00"),
            "status": "active",
            "start_on": today - timedelta(days=300),
            "end_on": today - timedelta(days=30),
        },
    )
    handover = milestones.create_milestone(
        actor,
        old,
        {
            "title": "Handover",
            "kind": "completion",
            "due_date": today - timedelta(days=35),
            "owner_id": manager.pk,
        },
    )
    milestones.transition(actor, handover, "done", completed_on=today - timedelta(days=33))
    contracts.close_contract(actor, old, "completed", None)
    return org

"""The demo shows every state a new user should see."""

import pytest

from pactline.accounts.models import Membership
from pactline.accounts.permissions import Actor
from pactline.contracts.queries import ContractFilter, contract_list, health_label
from pactline.demo import DEMO_EMAIL, load_demo
from pactline.milestones.queries import MilestoneFilter, milestone_list


@pytest.mark.django_db
def test_demo_has_overdue_due_soon_done_and_closed_work():
    load_demo()
    actor = Actor.for_membership(Membership.objects.get(user__email=DEMO_EMAIL))
    healths = {m.health for m in milestone_list(actor, MilestoneFilter())}
    assert {"overdue", "done_on_time", "done_late", "on_track"} <= healths
    contracts = {c.number: c for c in contract_list(actor, ContractFilter())}
    assert contracts["CB-2025-007"].status == "completed"
    assert health_label(contracts["FC-2026-003"].worst_rank) == "overdue"

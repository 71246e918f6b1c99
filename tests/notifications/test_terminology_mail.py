"""E-mails speak the organisation's words (a real SMTP server on loopback)."""

from __future__ import annotations

import datetime as dt

import pytest

from pactline.accounts.terminology import set_terminology
from pactline.contracts import services as contract_services
from pactline.notifications.reminders import schedule
from tests.factories import MilestoneFactory
from tests.notifications.conftest import work

pytestmark = pytest.mark.django_db


def test_reminders_and_notices_use_the_organisations_words(smtp, world, contract, clock) -> None:
    set_terminology(world.actor("admin"), {"contract": "Agreement", "milestone": "Deliverable"})
    mike = world.user("member")
    m = MilestoneFactory(
        contract=contract, title="Design approval", owner=mike, due_date=dt.date(2027, 2, 8)
    )
    schedule.refresh_milestones([m.pk])
    contract_services.update_contract(
        world.actor("manager"), contract, {"owner_id": world.user("viewer").pk}, None
    )
    work()
    by_subject = {mail.subject: mail for mail in smtp.mails}
    reminder = by_subject["[Pactline] Design approval is due in 7 days"]
    text, html = reminder.part("plain"), reminder.part("html")
    assert "Deliverable: Design approval" in text
    assert "Agreement: ACME-001 Billing platform" in text
    assert ">Deliverable</th>" in html and ">Agreement</th>" in html
    assert "[Pactline] You now own agreement ACME-001 Billing platform" in by_subject

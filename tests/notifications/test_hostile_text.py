"""Hostile text in e-mails: a reminder for a milestone, contract and party named with markup,
formula starters, CR/LF and non-ASCII arrives over real SMTP with the text shown literally:
escaped in the HTML part, verbatim in the text part, and no header injected by the subject."""

from __future__ import annotations

import datetime as dt
import html as htmllib

import pytest

from pactline.contracts.models import Party
from pactline.notifications.reminders import schedule
from tests.factories import ContractFactory, MilestoneFactory
from tests.notifications.conftest import work

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
INJECTED = "Design\r\nBcc: evil@example.test\r\n\r\n<b>body</b>"
UNICODE = "Zürich \u2013 東京 ☃, a;b\\c =cmd|' /C calc'!A0"


@pytest.fixture
def hostile(world, smtp, clock):
    mike = world.user("member")
    party = Party.objects.create(organisation=world.acme, name=IMG, kind="vendor")
    contract = ContractFactory(organisation=world.acme, number="X-1", title=SCRIPT)
    contract.parties.add(party)
    return mike, contract


@pytest.mark.parametrize("title", [SCRIPT, IMG, UNICODE, "javascript:alert(1)", "x" * 190])
def test_reminder_mail_shows_hostile_titles_literally(hostile, smtp, title) -> None:
    mike, contract = hostile
    m = MilestoneFactory(contract=contract, title=title, owner=mike, due_date=dt.date(2027, 2, 8))
    schedule.refresh_milestones([m.pk])
    work()
    assert len(smtp.mails) == 1
    mail = smtp.mails[0]
    subject = " ".join(mail.subject.split())  # unfolded
    assert subject == f"[Pactline] {title} is due in 7 days"[:211]  # subjects stop at 200
    text, html = mail.part("plain"), mail.part("html")
    assert title in text and SCRIPT in text  # the contract's title, verbatim in plain text
    assert "<script>" not in html and "onerror=alert" not in html.replace(
        "onerror=alert(1)&gt;", ""
    )
    assert htmllib.escape(title, quote=False) in html or htmllib.escape(title) in html
    assert 'href="javascript:' not in html


def test_a_title_with_line_breaks_cannot_inject_headers(hostile, smtp) -> None:
    mike, contract = hostile
    m = MilestoneFactory(
        contract=contract, title=INJECTED, owner=mike, due_date=dt.date(2027, 2, 8)
    )
    schedule.refresh_milestones([m.pk])
    work()
    assert len(smtp.mails) == 1  # delivered, not crashed on a "bad header"
    mail = smtp.mails[0]
    assert mail.message["Bcc"] is None and mail.to == [mike.email]
    subject = " ".join(mail.subject.split())
    assert subject == "[Pactline] Design Bcc: evil@example.test <b>body</b> is due in 7 days"
    assert "<b>body</b>" not in mail.part("html")

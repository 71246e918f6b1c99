"""E-mail through a real SMTP server on loopback: parts, links that work, digests."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client

from pactline.activity.models import Event
from pactline.milestones.models import Milestone
from pactline.notifications import services
from pactline.notifications.models import Delivery
from pactline.notifications.reminders import schedule
from tests.factories import ContractFactory, MilestoneFactory
from tests.notifications.conftest import work

pytestmark = pytest.mark.django_db
UTC = dt.UTC


@pytest.fixture
def mike(world):
    user = world.user("member")
    user.time_zone = "Europe/London"
    user.name = "Mike Member"
    user.save()
    return user


def due_in_a_week(contract, owner, title="Design approval", **fields):
    m = MilestoneFactory(
        contract=contract, title=title, owner=owner, due_date=dt.date(2027, 2, 8), **fields
    )
    schedule.refresh_milestones([m.pk])
    return m


def test_a_reminder_arrives_with_html_and_text(smtp, contract, mike, clock) -> None:
    due_in_a_week(contract, mike)
    work()
    assert len(smtp.mails) == 1
    mail = smtp.mails[0]
    assert mail.to == ["mike@acme.test"]
    assert mail.subject == "[Pactline] Design approval is due in 7 days"
    text, html = mail.part("plain"), mail.part("html")
    assert "ACME-001 Billing platform: Design approval is due on Mon 08 Feb 2027" in text
    assert "Owner:     Mike Member" in text
    assert "<h1" in html and "Design approval is due in 7 days" in html
    assert mail.message["Message-ID"].endswith("@testserver>")
    assert re.search(r"http://testserver/milestones/\d+/", text)


def test_the_mark_done_link_works_once(smtp, contract, mike, clock) -> None:
    m = due_in_a_week(contract, mike)
    work()
    text = smtp.mails[0].part("plain")
    done = re.search(r"Mark done: http://testserver(/l/\S+/)", text).group(1)
    client = Client()
    page = client.get(done)
    assert page.status_code == 200 and "Mark done" in page.content.decode()
    assert Milestone.objects.get(pk=m.pk).status == "planned"  # looking does nothing
    answer = client.post(done)
    assert answer.status_code == 200
    assert Milestone.objects.get(pk=m.pk).status == "done"
    event = Event.objects.get(verb="status_changed", subject_id=m.pk)
    assert event.actor_id == mike.pk and "via e-mail link" in event.summary
    again = client.post(done)
    assert again.status_code == 410 and "used already" in again.content.decode()


def test_the_snooze_link_holds_reminders_for_three_days(smtp, contract, mike, clock) -> None:
    m = due_in_a_week(contract, mike)
    work()
    text = smtp.mails[0].part("plain")
    snooze = re.search(r"Snooze 3 days: http://testserver(/l/\S+/)", text).group(1)
    assert Client().post(snooze).status_code == 200
    assert Event.objects.filter(verb="snoozed", subject_id=m.pk, actor_id=mike.pk).exists()
    work()  # the "snoozed" event reaches the outbox, which recomputes the next reminder
    m.refresh_from_db()
    assert m.next_reminder_at == dt.datetime(2027, 2, 4, 9, tzinfo=UTC)
    clock.move_to(dt.datetime(2027, 2, 4, 9, 1, tzinfo=UTC))
    work()
    assert [mail.subject for mail in smtp.mails][1:] == [
        "[Pactline] Design approval is due in 4 days"
    ]


def test_a_daily_digest_groups_by_contract(smtp, world, contract, mike, clock) -> None:
    services.set_preferences(world.actor("member"), [{"topic": "reminder", "email": "daily"}])
    other = ContractFactory(organisation=world.acme, number="ACME-002", title="Data centre")
    due_in_a_week(contract, mike, "Design approval")
    due_in_a_week(other, mike, "Rack delivery")
    due_in_a_week(other, mike, "Cabling")
    work()  # 10:00 London: today's digest goes out at once, with what is queued
    assert len(smtp.mails) == 1
    mail = smtp.mails[0]
    assert mail.subject == "[Pactline] Daily digest: 3 updates"
    text = mail.part("plain")
    assert text.index("== ACME-001 Billing platform") < text.index("- Design approval is due")
    assert text.index("== ACME-002 Data centre") < text.index("- Rack delivery is due")
    assert "<h2" in mail.part("html")
    queued = Delivery.objects.filter(recipient=mike, channel="email", digest="daily")
    assert set(queued.values_list("status", flat=True)) == {"batched"}
    # The next reminders (a day before) wait for tomorrow's digest.
    clock.move_to(dt.datetime(2027, 2, 7, 9, 5, tzinfo=UTC))
    work()
    assert len(smtp.mails) == 2 and "3 updates" in smtp.mails[1].subject


def test_digest_waits_for_the_morning_in_the_recipients_zone(smtp, world, contract, clock) -> None:
    tokyo = world.user("member")
    tokyo.time_zone = "Asia/Tokyo"
    tokyo.save()
    services.set_preferences(world.actor("member"), [{"topic": "reminder", "email": "daily"}])
    clock.move_to(dt.datetime(2027, 2, 1, 20, 0, tzinfo=UTC))  # 05:00 in Tokyo on 2 February
    due_in_a_week(contract, tokyo)
    work()
    assert smtp.mails == []
    clock.move_to(dt.datetime(2027, 2, 1, 23, 5, tzinfo=UTC))  # 08:05 in Tokyo
    work()
    assert len(smtp.mails) == 1


def test_smtp_failure_is_retried_with_backoff(world, contract, mike, clock, settings) -> None:
    from tests.notifications.receivers import SmtpSink

    refuse = {"n": 1}
    sink = SmtpSink(on_message=lambda count: "451 4.3.0 busy" if count <= refuse["n"] else None)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
    try:
        due_in_a_week(contract, mike)
        work()
        mail = Delivery.objects.get(recipient=mike, channel="email")
        assert (mail.status, mail.attempts) == ("pending", 1)
        assert "451" in mail.last_error
        assert mail.next_attempt_at == dt.datetime(2027, 2, 1, 10, 1, tzinfo=UTC)
        clock.shift(dt.timedelta(minutes=1))
        work()
        mail.refresh_from_db()
        assert (mail.status, mail.attempts, len(sink.mails)) == ("sent", 2, 1)
        assert list(mail.attempt_rows.order_by("number").values_list("ok", flat=True)) == [
            False,
            True,
        ]
    finally:
        sink.stop()


def test_the_embedded_mail_box_shows_what_would_have_been_sent(
    world, contract, mike, clock, login
) -> None:
    due_in_a_week(contract, mike)
    work()  # EMAIL_BACKEND of the tests is locmem: send one through the .eml backend instead
    from pactline.notifications.channels.email import transport
    from pactline.notifications.channels.email.backend import EmlFileBackend

    delivery = Delivery.objects.get(recipient=mike, channel="email")
    subject, text, html = transport.render(delivery.payload, delivery)
    from django.core.mail import EmailMultiAlternatives

    mail = EmailMultiAlternatives(
        subject, text, to=[mike.email], headers={"X-Pactline-Organisation": str(world.acme.pk)}
    )
    mail.attach_alternative(html, "text/html")
    EmlFileBackend().send_messages([mail])
    admin = login("admin")
    listing = admin.get("/settings/mail/").content.decode()
    assert "Design approval is due in 7 days" in listing
    name = re.search(r'href="/settings/mail/([^/"]+)/"', listing).group(1)
    response = admin.get(f"/settings/mail/{name}/")
    detail = response.content.decode()
    assert "Snooze 3 days" in detail and "<iframe" in detail
    # the e-mail's own inline styles may apply in the preview; scripts stay refused
    policy = dict(
        d.strip().split(" ", 1) for d in response["Content-Security-Policy"].split(";") if d.strip()
    )
    assert policy["style-src"] == "'self' 'unsafe-inline'" and policy["script-src"] == "'self'"
    assert login("member").get(f"/settings/mail/{name}/").status_code == 403

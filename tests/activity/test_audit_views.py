"""The audit trail: tampering behind the application's back is found by `pactline audit
verify`; the audit pages filter by action, person, object and dates, and export CSV and JSON
Lines; the activity feed and the live fragment of a contract page."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from pactline.activity.models import Event
from pactline.cli import main
from pactline.contracts import services as contracts
from tests.api.conftest import ApiClient, make_token, url
from tests.conftest import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(world: World, manager):
    contract = contracts.create_contract(manager, {"number": "C-1", "title": "A"})
    contracts.update_contract(manager, contract, {"title": "B"}, 1)
    contracts.update_contract(world.actor("owner"), contract, {"title": "C"}, 2)
    return contract


def test_an_edit_behind_the_application_s_back_is_reported(world, history, capsys) -> None:
    assert main(["audit", "verify"]) == 0
    assert "Acme: chain intact (3 events)" in capsys.readouterr().out
    table = Event._meta.db_table
    with connection.cursor() as cursor:  # plain SQL: no model, no service, no hash update
        cursor.execute(
            f"UPDATE {table} SET summary = %s WHERE organisation_id = %s AND seq = %s",
            ["nothing to see here", world.acme.pk, 2],
        )
    assert main(["audit", "verify"]) == 1
    captured = capsys.readouterr()
    assert "Acme: BROKEN at event #2 (updated contract" in captured.out
    assert "broken audit chain" in captured.err


def test_events_removed_from_the_end_are_reported(world, history, capsys) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {Event._meta.db_table} WHERE organisation_id = %s AND seq = %s",
            [world.acme.pk, 3],
        )
    assert main(["audit", "verify"]) == 1
    assert "events were removed from its end" in capsys.readouterr().out


def admin_client(world: World) -> Client:
    client = Client()
    client.force_login(world.user("admin"))
    return client


def test_filters_per_person_object_and_action(world, history) -> None:
    client = admin_client(world)
    page = client.get(reverse("audit-list")).content.decode()
    assert "3 events" in page
    owner_id = world.user("owner").pk
    page = client.get(reverse("audit-list"), {"actor": owner_id}).content.decode()
    assert "1 event" in page and "Olivia" in page
    page = client.get(
        reverse("audit-list"), {"subject_type": "contract", "subject_id": history.pk}
    ).content.decode()
    assert "3 events" in page
    page = client.get(reverse("audit-list"), {"verb": "created"}).content.decode()
    assert "1 event" in page
    page = client.get(reverse("audit-list"), {"since": "2000-01-01", "until": "2000-01-31"})
    assert "0 events" in page.content.decode()


def test_exports(world, history) -> None:
    contracts.create_contract(world.actor("manager"), {"number": "=2+2", "title": "Formula"})
    client = admin_client(world)
    response = client.get(reverse("audit-export-csv"), {"verb": "created"})
    assert response["Content-Disposition"].startswith('attachment; filename="audit-acme-')
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["verb"] for row in rows] == ["created", "created"]
    assert rows[0]["subject_label"] == "'=2+2 Formula"  # no formula for spreadsheet programs
    response = client.get(reverse("audit-export-jsonl"))
    lines = [json.loads(line) for line in b"".join(response.streaming_content).splitlines()]
    assert [line["seq"] for line in lines] == [4, 3, 2, 1]
    assert lines[0]["prev_hash"] == lines[1]["hash"]


def test_only_admins_read_the_audit_trail(world, history) -> None:
    client = Client()
    client.force_login(world.user("manager"))
    assert client.get(reverse("audit-list")).status_code == 403
    api = ApiClient(make_token(world.user("manager"), world.acme))
    assert api.get(url("event-export")).status_code == 403
    admin = ApiClient(make_token(world.user("admin"), world.acme))
    response = admin.get(url("event-export"), {"format": "csv", "actor_id": world.user("owner").pk})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert len(list(csv.DictReader(io.StringIO(text)))) == 1
    listed = admin.get(url("event-list"), {"actor_id": world.user("manager").pk}).json()
    assert listed["count"] == 2


def test_activity_feed_and_live_fragment(world, history) -> None:
    client = Client()
    client.force_login(world.user("viewer"))
    feed = client.get(reverse("activity-feed")).content.decode()
    assert "Contract C-1 updated" in feed
    live = reverse("contract-live", args=[history.pk])
    latest = Event.objects.filter(contract_id=history.pk).first().seq
    assert client.get(live, {"seq": latest}).status_code == 204  # nothing new
    contracts.update_contract(world.actor("manager"), history, {"title": "D"}, 3)
    response = client.get(live, {"seq": latest}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = response.content.decode()
    assert f"seq={latest + 1}" in body and "Updated: Contract C-1 updated" in body
    assert 'id="milestones"' in body and 'id="history"' in body

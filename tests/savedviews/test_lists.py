"""Saved views on the list pages: choose columns, save, share, default, export, re-validate."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pactline.activity.models import Event
from pactline.contracts.models import Tag
from pactline.savedviews import services
from pactline.savedviews.models import DefaultView, SavedView
from tests.factories import ContractFactory, MilestoneFactory, PartyFactory
from tests.web.conftest import text

pytestmark = pytest.mark.django_db
CONTRACTS = reverse("contract-list")


def headers(response) -> list[str]:
    """The results table's column keys, in order."""
    return re.findall(r'data-column="([^"]+)"', text(response))


def numbers(response) -> list[str]:
    return re.findall(r'href="/contracts/\d+/">(ACME-\d+)</a>', text(response))


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def save(client, list_key: str, name: str, query: str, **extra) -> object:
    data = {"list": list_key, "name": name, "query": query, **extra}
    return client.post(reverse("saved-view-create"), data)


def test_default_columns_are_the_familiar_ones(login, portfolio):
    response = login("viewer").get(CONTRACTS, {"view": "0"})
    assert headers(response) == [
        "number",
        "title",
        "parties",
        "owner",
        "status",
        "value",
        "health",
        "next_due",
    ]


def test_choosing_columns_changes_the_table_and_the_export(login, portfolio):
    client = login("viewer")
    response = client.get(CONTRACTS, {"cols": "value,number,end_on", "sort": "-value"})
    assert headers(response) == ["value", "number", "end_on"]
    body = text(response)
    assert "Globex" not in body.split("<tbody>")[1]  # the parties column is gone
    assert numbers(response) == ["ACME-001", "ACME-002"]
    # the picker offers the hidden columns and keeps the filters
    assert 'name="cols" value="parties"' in body
    export = client.get(
        reverse("list-export", args=["contracts"]),
        {"cols": "value,number,end_on", "sort": "-value", "format": "csv"},
    )
    rows = csv_rows(export)
    assert rows[0] == ["Value", "Number", "End"]
    assert [r[1] for r in rows[1:]] == ["ACME-001", "ACME-002"]  # restricted one left out
    assert rows[1][0] == "250000.00"


def test_repeated_cols_from_the_picker_form_keep_their_order(login, portfolio):
    response = login("viewer").get(CONTRACTS, {"cols": ["title", "number"], "status": "active"})
    assert headers(response) == ["title", "number"]
    assert numbers(response) == ["ACME-001"]


def test_unknown_columns_are_ignored(login, portfolio):
    response = login("viewer").get(CONTRACTS, {"cols": "nope,<script>,number"})
    assert response.status_code == 200
    assert headers(response) == ["number"]


def test_xlsx_export_is_typed_and_neutralised(login, portfolio):
    from openpyxl import load_workbook

    response = login("viewer").get(
        reverse("list-export", args=["contracts"]),
        {"cols": "number,title,value,start_on", "format": "xlsx"},
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Number", "Title", "Value", "Start")
    by_number = {r[0]: r for r in rows[1:]}
    assert by_number["ACME-002"][2] == Decimal("12000.5") or by_number["ACME-002"][2] == 12000.5
    title_cell = sheet.cell(row=3, column=2)
    assert title_cell.data_type == "s"  # a formula-looking title stays text
    csv_body = (
        login("viewer")
        .get(reverse("list-export", args=["contracts"]), {"cols": "title", "format": "csv"})
        .content.decode("utf-8-sig")
    )
    assert "'=HYPERLINK(evil)" in csv_body


def test_save_a_private_view_and_open_it(login, portfolio, world):
    client = login("member")
    response = save(
        client, "contracts", "Active by value", "status=active&sort=-value&cols=number,value"
    )
    view = SavedView.objects.get(name="Active by value")
    assert view.owner == world.user("member") and not view.shared
    assert view.params == {"status": ["active"], "sort": ["-value"]}
    assert view.columns == ["number", "value"]
    assert response.status_code == 302 and f"view={view.pk}" in response["Location"]
    opened = client.get(CONTRACTS, {"view": view.pk})
    assert opened.status_code == 302
    page = client.get(opened["Location"])
    assert headers(page) == ["number", "value"]
    assert numbers(page) == ["ACME-001"]
    assert "Active by value" in text(page)
    assert Event.objects.filter(verb="view_saved", subject_id=view.pk).exists()
    # private: another member neither sees it in the menu nor opens it
    other = login("manager")
    assert "Active by value" not in text(other.get(CONTRACTS, {"view": "0"}))
    assert other.get(CONTRACTS, {"view": view.pk}).status_code == 404


def test_a_shared_view_is_seen_by_other_members_and_a_viewer_cannot_share(login, portfolio):
    manager = login("manager")
    save(manager, "contracts", "Team board", "status=active", shared="on")
    view = SavedView.objects.get(name="Team board")
    assert view.shared
    viewer = login("viewer")
    page = viewer.get(CONTRACTS, {"view": "0"})
    assert "Team board" in text(page)
    assert viewer.get(CONTRACTS, {"view": view.pk}).status_code == 302
    # the viewer sees no share box, and a forged one is refused
    assert 'name="shared"' not in text(page)
    refused = save(viewer, "contracts", "Mine shared", "status=draft", shared="on")
    assert refused.status_code == 403
    assert not SavedView.objects.filter(name="Mine shared").exists()
    # others may not change or delete it; an admin may delete a shared view
    assert viewer.post(reverse("saved-view-edit", args=[view.pk]), {"name": "x"}).status_code == 403
    assert viewer.post(reverse("saved-view-delete", args=[view.pk])).status_code == 403
    assert login("admin").post(reverse("saved-view-delete", args=[view.pk])).status_code == 302
    assert not SavedView.objects.filter(pk=view.pk).exists()


def test_default_view_opens_with_the_list_and_can_be_left(login, portfolio, world):
    client = login("member")
    save(client, "contracts", "Drafts", "status=draft&cols=number,status", default="on")
    view = SavedView.objects.get(name="Drafts")
    assert DefaultView.objects.get(user=world.user("member")).view == view
    response = client.get(CONTRACTS)
    assert response.status_code == 302 and f"view={view.pk}" in response["Location"]
    page = client.get(response["Location"])
    assert numbers(page) == ["ACME-002"] and headers(page) == ["number", "status"]
    assert numbers(client.get(CONTRACTS, {"view": "0"})) == ["ACME-001", "ACME-002"]
    # someone else's list is not affected
    assert login("manager").get(CONTRACTS).status_code == 200
    client.post(reverse("saved-view-default", args=[view.pk]), {"on": "0"})
    assert client.get(CONTRACTS).status_code == 200


def test_a_shared_view_can_be_my_default(login, portfolio, world):
    save(login("manager"), "contracts", "Active", "status=active", shared="on")
    view = SavedView.objects.get(name="Active")
    viewer = login("viewer")
    viewer.post(reverse("saved-view-default", args=[view.pk]))
    assert DefaultView.objects.get(user=world.user("viewer")).view == view
    assert f"view={view.pk}" in viewer.get(CONTRACTS)["Location"]


def test_update_and_rename_my_view(login, portfolio):
    client = login("member")
    save(client, "contracts", "Mine", "status=active")
    view = SavedView.objects.get(name="Mine")
    client.post(
        reverse("saved-view-edit", args=[view.pk]),
        {"query": "status=draft&cols=title", "version": view.version},
    )
    view.refresh_from_db()
    assert view.params == {"status": ["draft"]} and view.columns == ["title"]
    client.post(reverse("saved-view-edit", args=[view.pk]), {"name": "Drafts only"})
    view.refresh_from_db()
    assert view.name == "Drafts only" and view.version == 3
    client.post(reverse("saved-view-delete", args=[view.pk]))
    assert not SavedView.objects.filter(pk=view.pk).exists()


def test_another_organisations_view_is_404(login, portfolio, world):
    rival = services.create_view(world.actor("outsider"), {"list": "contracts", "name": "R"})
    client = login("owner")
    assert client.get(CONTRACTS, {"view": rival.pk}).status_code == 404
    for name in ("saved-view-edit", "saved-view-delete", "saved-view-default"):
        assert client.post(reverse(name, args=[rival.pk]), {"name": "x"}).status_code == 404
    export = reverse("list-export", args=["contracts"])
    assert client.get(export, {"view": rival.pk, "format": "csv"}).status_code == 404


def test_duplicate_names_and_bad_input_are_refused_naming_the_field(world, member, portfolio):
    services.create_view(member, {"list": "contracts", "name": "One"})
    with pytest.raises(services.ValidationFailed) as exc:
        services.create_view(member, {"list": "contracts", "name": "one"})
    assert "name" in exc.value.errors
    with pytest.raises(services.ValidationFailed) as exc:
        services.create_view(
            member,
            {
                "list": "contracts",
                "name": "Two",
                "columns": ["number", "bogus"],
                "params": {"status": "nope", "drop": "x"},
            },
        )
    assert set(exc.value.errors) == {"columns", "params.status", "params.drop"}
    with pytest.raises(services.ValidationFailed) as exc:
        services.create_view(member, {"list": "invoices", "name": "Three"})
    assert set(exc.value.errors) == {"list"}


def test_a_view_with_a_removed_filter_value_still_opens_with_a_notice(login, portfolio, world):
    client = login("member")
    party = PartyFactory(organisation=world.acme, name="Gone Ltd")
    tag = Tag.objects.create(organisation=world.acme, name="temp")
    save(client, "contracts", "Gone", f"party={party.pk}&tag=temp&status=active&cols=number,title")
    view = SavedView.objects.get(name="Gone")
    party.delete()
    tag.delete()
    opened = client.get(CONTRACTS, {"view": view.pk}, follow=True)
    assert opened.status_code == 200
    body = text(opened)
    assert "no longer applies" in body and "party" in body and "tag" in body
    assert numbers(opened) == ["ACME-001"]  # the status filter still applies


def test_restricted_contracts_stay_hidden_whatever_the_view(login, portfolio, world):
    save(login("admin"), "contracts", "All active", "status=active", shared="on")
    view = SavedView.objects.get(name="All active")
    admin_page = login("admin").get(CONTRACTS, {"view": view.pk}, follow=True)
    assert "ACME-900" in text(admin_page)
    viewer_page = login("viewer").get(CONTRACTS, {"view": view.pk}, follow=True)
    assert "ACME-900" not in text(viewer_page)
    export = login("viewer").get(
        reverse("list-export", args=["contracts"]), {"view": view.pk, "format": "csv"}
    )
    assert "ACME-900" not in export.content.decode("utf-8-sig")


def test_guests_use_columns_but_save_no_views(login, portfolio, world):
    portfolio["c1"].parties.add(world.guest_party)
    client = login("guest")
    page = client.get(CONTRACTS, {"cols": "number,title"})
    assert page.status_code == 200 and headers(page) == ["number", "title"]
    assert "Save as new view" not in text(page)
    assert save(client, "contracts", "G", "").status_code == 403
    assert (
        client.get(reverse("list-export", args=["parties"]), {"format": "csv"}).status_code == 403
    )
    rows = csv_rows(
        client.get(reverse("list-export", args=["contracts"]), {"format": "csv", "cols": "number"})
    )
    assert rows == [["Number"], ["ACME-001"]]


def test_milestone_list_columns_sort_and_saved_view(login, portfolio):
    client = login("manager")
    url = reverse("milestone-list")
    page = client.get(url, {"cols": "due_date,title", "ordering": "-due_date", "view": "0"})
    assert headers(page) == ["due_date", "title"]
    body = text(page)
    assert body.index("First clean") < body.index("Kick-off")
    save(
        client, "milestones", "Late first", "ordering=-due_date&cols=due_date,title&status=planned"
    )
    view = SavedView.objects.get(name="Late first")
    assert view.params == {"ordering": ["-due_date"], "status": ["planned"]}
    export = client.get(url, {"cols": "title,due_date", "format": "csv"})
    assert csv_rows(export)[0] == ["Milestone", "Due"]
    full = client.get(url, {"format": "csv"})
    assert len(csv_rows(full)[0]) == 18  # no columns chosen: the full export, as before


def test_party_list_columns_sort_and_kind_filter(login, portfolio, world):
    PartyFactory(organisation=world.acme, name="Acme Client", kind="client")
    client = login("viewer")
    page = client.get(reverse("party-list"), {"cols": "name,kind", "sort": "-name"})
    assert headers(page) == ["name", "kind"]
    body = text(page)
    assert body.index("Globex") < body.index("Acme Client")
    filtered = client.get(reverse("party-list"), {"kind": "vendor", "view": "0"})
    assert "Globex" in text(filtered) and "Acme Client" not in text(filtered)


def test_saved_views_page_lists_mine_and_shared(login, portfolio):
    save(login("manager"), "contracts", "Shared one", "", shared="on")
    save(login("member"), "parties", "My parties", "kind=vendor")
    body = text(login("member").get(reverse("saved-view-list")))
    assert "Shared one" in body and "My parties" in body


def test_list_query_count_does_not_grow_with_rows_or_views(login, world, frozen_today):
    client = login("viewer")
    party = PartyFactory(organisation=world.acme, name="Globex")

    def grow(count: int, start: int) -> None:
        for n in range(start, start + count):
            c = ContractFactory(organisation=world.acme, number=f"ACME-{n:03d}")
            c.parties.add(party)
            MilestoneFactory(contract=c, due_date=dt.date(2027, 3, n % 28 + 1))
            services.create_view(
                world.actor("manager"), {"list": "contracts", "name": f"V{n}", "shared": True}
            )

    def count(url: str, params: dict) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url, params).status_code == 200
        return len(ctx.captured_queries)

    cols = "number,title,parties,owner,tags,next_due,value"
    grow(2, 1)
    client.get(CONTRACTS, {"view": "0"})
    few = count(CONTRACTS, {"cols": cols}), count(reverse("milestone-list"), {"view": "0"})
    grow(12, 3)
    many = count(CONTRACTS, {"cols": cols}), count(reverse("milestone-list"), {"view": "0"})
    assert many == few

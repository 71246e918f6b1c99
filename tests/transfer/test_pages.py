"""The import, export, feed and closure pages as people use them (Django test client)."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from pactline.activity.models import Event
from pactline.contracts import services as contract_services
from pactline.contracts.models import Contract
from pactline.milestones import services as milestone_services
from pactline.milestones.models import Milestone
from pactline.transfer import staging
from pactline.transfer.models import FeedToken, ImportMapping, OrganisationClosure
from tests.transfer.conftest import HEADER, csv_bytes, xlsx_bytes
from tests.transfer.helpers import ICS

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


@pytest.fixture
def login(world):
    def _login(role: str) -> Client:
        client = Client()
        client.force_login(world.user(role))
        return client

    return _login


@pytest.fixture
def maria(login) -> Client:
    return login("manager")


def upload(client: Client, data: bytes, name: str = "plan.csv", **options: str):
    fields = {"file": SimpleUploadedFile(name, data), "format": "auto", "date_order": "auto"}
    fields.update(options)
    return client.post(reverse("import"), fields)


def staged_id(response) -> str:
    assert response.status_code == 302, response.content.decode()[:3000]
    match = re.search(r"/import/([A-Za-z0-9_-]{22})/$", response["Location"])
    assert match, response["Location"]
    return match.group(1)


def preview(client: Client, upload_id: str):
    return client.get(reverse("import-preview", args=[upload_id]), headers=HTMX)


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def fingerprint(response) -> str:
    match = re.search(r'name="fingerprint" value="([0-9a-f]{64})"', response.content.decode())
    assert match, "no commit form on the page"
    return match.group(1)


def commit(client: Client, upload_id: str, fp: str, override: bool = False, htmx: bool = True):
    data = {"fingerprint": fp}
    if override:
        data["override_conflicts"] = "on"
    return client.post(
        reverse("import-commit", args=[upload_id]), data, headers=HTMX if htmx else {}
    )


# --- upload, preview, commit ------------------------------------------------------------------


def test_the_import_page_offers_the_options(maria):
    page = text(maria.get(reverse("import")))
    assert "Import your spreadsheet" in page
    for label in ("File type", "Column mapping", "Dates like 03/04/2027", "Text encoding"):
        assert label in page
    assert 'enctype="multipart/form-data"' in page


def test_upload_preview_commit_then_reimport_changes_nothing(maria, sheet_rows, media_root):
    upload_id = staged_id(upload(maria, csv_bytes(sheet_rows), "q1.csv"))
    stored = list((media_root / "imports" / upload_id).iterdir())
    assert {p.name for p in stored} == {"upload", "meta.json"}

    shell = maria.get(reverse("import-preview", args=[upload_id]))
    assert shell.status_code == 200
    assert "Preparing the preview" in text(shell)
    assert reverse("import-progress", args=[upload_id]) in text(shell)
    assert not Contract.objects.exists()

    shown = preview(maria, upload_id)
    page = text(shown)
    assert '<th scope="row">Contracts</th><td class="num">2</td><td class="num">0</td>' in page
    assert '<th scope="row">Milestones</th><td class="num">3</td>' in page
    assert "New parties: Globex, Initech." in page
    assert "Commit the import" in page
    assert not Contract.objects.exists()  # the preview writes nothing

    done = commit(maria, upload_id, fingerprint(shown))
    assert done.status_code == 200, text(done)[:3000]
    assert "q1.csv was imported" in text(done)
    assert '<th scope="row">Contracts</th><td class="num">2</td>' in text(done)
    assert Contract.objects.count() == 2 and Milestone.objects.count() == 3
    assert not (media_root / "imports" / upload_id).exists()  # deleted after the commit
    assert preview(maria, upload_id).status_code == 404

    events = Event.objects.count()
    again = staged_id(upload(maria, csv_bytes(sheet_rows), "q1.csv"))
    shown = preview(maria, again)
    page = text(shown)
    assert '<th scope="row">Contracts</th><td class="num">0</td><td class="num">0</td>' in page
    assert "committing changes nothing" in page
    assert commit(maria, again, fingerprint(shown)).status_code == 200
    assert Event.objects.count() == events


def test_without_javascript_the_preview_and_commit_work_as_plain_pages(maria, sheet_rows):
    upload_id = staged_id(upload(maria, csv_bytes(sheet_rows)))
    shell = maria.get(reverse("import-preview", args=[upload_id]))
    assert f"/import/{upload_id}/?wait=1" in text(shell)  # in <noscript>
    page = maria.get(reverse("import-preview", args=[upload_id]), {"wait": "1"})
    assert "<h1>Import plan.csv</h1>" in text(page) and "Commit the import" in text(page)
    done = commit(maria, upload_id, fingerprint(page), htmx=False)
    assert "<h1>Import plan.csv</h1>" in text(done) and "was imported" in text(done)


def test_problems_name_their_row_column_value_and_reason(maria, sheet_rows):
    sheet_rows[2][4] = "31/02/2027"
    sheet_rows[3][5] = "nobody@example.com"
    upload_id = staged_id(upload(maria, csv_bytes(sheet_rows)))
    page = text(preview(maria, upload_id))
    assert "2 problems: nothing can be imported until they are fixed" in page
    rows = re.findall(r"<tr> <td class=\"num\">(\d+)</td> <td>([^<]*)</td> <td>(.*?)</td>", page)
    assert ("3", "Due date", "<code>31/02/2027</code>") in rows
    assert ("4", "Owner", "<code>nobody@example.com</code>") in rows
    assert "No member of Acme has this e-mail address" in page
    assert "Commit the import" not in page
    assert not Contract.objects.exists()


def test_a_file_that_cannot_be_read_says_why(maria):
    upload_id = staged_id(upload(maria, b"PK\x03\x04 not really a zip", "sheet.xlsx"))
    page = text(preview(maria, upload_id))
    assert "1 problem" in page
    assert "the workbook is damaged" in page or "not an XLSX workbook" in page
    assert '<span class="muted">file</span>' in page


def test_the_upload_form_refuses_a_missing_file(maria):
    response = maria.post(reverse("import"), {"format": "auto", "date_order": "auto"})
    assert response.status_code == 422
    assert "This field is required" in text(response)


def test_a_stale_preview_is_not_committed(maria, manager, sheet_rows):
    upload_id = staged_id(upload(maria, csv_bytes(sheet_rows)))
    shown = preview(maria, upload_id)
    contract_services.create_contract(manager, {"number": "C-100", "title": "Made meanwhile"})
    response = commit(maria, upload_id, fingerprint(shown))
    assert response.status_code == 409
    page = text(response)
    assert "Nothing was imported: contracts or milestones changed since you saw the preview" in page
    assert Contract.objects.count() == 1 and not Milestone.objects.exists()
    # the page shows the new preview, which can be committed
    assert commit(maria, upload_id, fingerprint(response)).status_code == 200
    assert Contract.objects.get(number="C-100").title == "Data centre move"


def test_conflicts_with_changes_since_the_export_need_an_override(maria, manager, sheet_rows):
    from pactline.transfer.importing import commit_import

    commit_import(manager, csv_bytes(sheet_rows))
    exported = maria.get(reverse("contract-export"), {"format": "xlsx"})
    assert exported.status_code == 200
    book = load_workbook(io.BytesIO(exported.content))
    sheet = book["Milestones"]
    headers = [c.value for c in sheet[1]]
    golive = next(
        r for r in sheet.iter_rows(min_row=2) if r[headers.index("Milestone")].value == "Go-live"
    )
    golive[headers.index("Due date")].value = date(2027, 7, 15)
    edited = io.BytesIO()
    book.save(edited)
    # meanwhile, someone changes the milestone in the app
    m = Milestone.objects.get(title="Go-live")
    milestone_services.update_milestone(
        manager, m, {"title": "Go-live"} | {"description": "x"}, m.version
    )

    upload_id = staged_id(upload(maria, edited.getvalue(), "export.xlsx"))
    shown = preview(maria, upload_id)
    page = text(shown)
    assert "1 row changed in Pactline since the export" in page
    assert "Override conflicts" in page
    refused = commit(maria, upload_id, fingerprint(shown))
    assert refused.status_code == 422
    assert "Nothing was imported: 1 row(s) changed in the app since the export" in text(refused)
    assert Milestone.objects.get(pk=m.pk).due_date == date(2027, 6, 30)
    assert commit(maria, upload_id, fingerprint(refused), override=True).status_code == 200
    assert Milestone.objects.get(pk=m.pk).due_date == date(2027, 7, 15)


def test_the_mapping_is_edited_saved_and_reused(maria, world):
    rows = [
        ["Ref", "Name", "Deliverable name", "Deadline"],
        ["K-1", "Kitchen", "Tiles", "2027-04-01"],
    ]
    upload_id = staged_id(upload(maria, csv_bytes(rows), "odd.csv"))
    page = text(preview(maria, upload_id))
    # "Ref" and "Name" are recognised; "Deliverable name" is not
    assert '<option value="contract_number" selected>' in page
    assert re.search(r'<label for="id_field_2">Deliverable name</label>', page)
    form = {
        "columns": "4",
        "date_order": "auto",
        "save_as": "Kitchen sheets",
        **{f"header_{i}": h for i, h in enumerate(rows[0])},
        "field_0": "contract_number",
        "field_1": "contract_title",
        "field_2": "milestone_title",
        "field_3": "due_date",
    }
    changed = maria.post(reverse("import-preview", args=[upload_id]), form, headers=HTMX)
    assert changed.status_code == 200
    assert "Preparing the preview" in text(changed)  # the loader, which then plans again
    saved = ImportMapping.objects.get(organisation=world.acme, name="Kitchen sheets")
    assert saved.mapping["Deliverable name"] == "milestone_title"
    page = text(preview(maria, upload_id))
    assert "Mapping saved as “Kitchen sheets”." in page
    assert '<th scope="row">Milestones</th><td class="num">1</td>' in page

    assert "Kitchen sheets" in text(maria.get(reverse("import")))
    again = staged_id(upload(maria, csv_bytes(rows), "odd.csv", mapping_name="Kitchen sheets"))
    assert '<th scope="row">Milestones</th><td class="num">1</td>' in text(preview(maria, again))

    removed = maria.post(reverse("import-mapping-remove"), {"id": saved.pk})
    assert removed.status_code == 302
    assert not ImportMapping.objects.exists()


def test_a_broken_mapping_is_a_problem_and_the_editor_stays(maria):
    rows = [["Ref", "Deadline"], ["K-1", "2027-04-01"]]
    upload_id = staged_id(upload(maria, csv_bytes(rows)))
    form = {
        "columns": "2",
        "date_order": "auto",
        "header_0": "Ref",
        "header_1": "Deadline",
        "field_0": "",
        "field_1": "due_date",
    }
    response = maria.post(reverse("import-preview", args=[upload_id]), form)
    assert response.status_code == 302  # without htmx: back to the preview page
    page = text(preview(maria, upload_id))
    assert "map a column to the contract number" in page
    assert "Which column holds what" in page


def test_ambiguous_dates_ask_for_the_date_order(maria):
    rows = [HEADER[:5], ["C-1", "Fit-out", "Globex", "Handover", "03/04/2027"]]
    upload_id = staged_id(upload(maria, csv_bytes(rows)))
    page = text(preview(maria, upload_id))
    assert "choose the date order" in page
    form = {
        "columns": "5",
        "date_order": "dmy",
        **{f"header_{i}": h for i, h in enumerate(rows[0])},
    }
    form |= {
        f"field_{i}": f
        for i, f in enumerate(
            ["contract_number", "contract_title", "party", "milestone_title", "due_date"]
        )
    }
    maria.post(reverse("import-preview", args=[upload_id]), form)
    shown = preview(maria, upload_id)
    assert "day first (31/12/2027)" in text(shown)
    commit(maria, upload_id, fingerprint(shown))
    assert Milestone.objects.get().due_date == date(2027, 4, 3)


def test_an_xlsx_lists_its_sheets(maria, sheet_rows):
    data = xlsx_bytes({"Notes": [["just notes"]], "Plan": sheet_rows})
    upload_id = staged_id(upload(maria, data, "book.xlsx"))
    page = text(preview(maria, upload_id))
    assert '<option value="Plan" selected>Plan</option>' in page
    assert '<option value="Notes">Notes</option>' in page


def test_progress_is_a_small_fragment(maria, sheet_rows):
    upload_id = staged_id(upload(maria, csv_bytes(sheet_rows)))
    staged = staging.find(world_actor(maria), upload_id)
    staging.Progress(staged.id, "writing", 40).write(10, force=True)
    response = maria.get(reverse("import-progress", args=[upload_id]), headers=HTMX)
    assert response.status_code == 200
    assert "Writing: 10 of 40 contracts and milestones done." in text(response)
    assert 'max="40" value="10"' in text(response)
    assert "no-cache" in response["Cache-Control"]
    staging.discard(upload_id)  # committed meanwhile: a calm answer that stops the polling
    gone = maria.get(reverse("import-progress", args=[upload_id]))
    assert gone.status_code == 286 and "Working…" in text(gone)


def world_actor(client: Client):
    from pactline.accounts.models import Membership
    from pactline.accounts.permissions import Actor

    user_id = int(client.session["_auth_user_id"])
    return Actor.for_membership(Membership.objects.get(user_id=user_id))


def test_uploads_expire_after_a_day(maria, sheet_rows, media_root):
    upload_id = staged_id(upload(maria, csv_bytes(sheet_rows)))
    with time_machine.travel(date.today() + timedelta(days=2)):
        assert preview(maria, upload_id).status_code == 404
    assert not (media_root / "imports" / upload_id).exists()


def test_old_uploads_are_purged_on_the_next_upload(maria, sheet_rows, media_root):
    old = staged_id(upload(maria, csv_bytes(sheet_rows)))
    with time_machine.travel(date.today() + timedelta(days=2)):
        new = staged_id(upload(maria, csv_bytes(sheet_rows)))
    assert not (media_root / "imports" / old).exists()
    assert (media_root / "imports" / new).exists()


# --- who may ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["viewer", "member"])
def test_only_managers_and_above_import(login, role, sheet_rows):
    client = login(role)
    assert client.get(reverse("import")).status_code == 403
    assert upload(client, csv_bytes(sheet_rows)).status_code == 403
    assert "Import</a>" not in text(client.get(reverse("contract-list")))


def test_a_staged_upload_is_its_uploaders_only(login, maria, sheet_rows):
    upload_id = staged_id(upload(maria, csv_bytes(sheet_rows)))
    fp = fingerprint(preview(maria, upload_id))
    shown = reverse("import-preview", args=[upload_id])
    committed = reverse("import-commit", args=[upload_id])
    progress = reverse("import-progress", args=[upload_id])
    for role, status in (("admin", 403), ("owner", 403), ("outsider", 404)):
        client = login(role)
        assert client.get(shown).status_code == status, role
        assert client.post(shown, {"columns": "0", "date_order": "dmy"}).status_code == status
        assert client.post(committed, {"fingerprint": fp}).status_code == status, role
        answer = client.get(progress)  # the same neutral fragment as for a finished upload
        assert answer.status_code == 286 and "Working…" in text(answer), role
    for role in ("viewer", "member"):
        assert login(role).get(shown).status_code == 403
        assert login(role).get(progress).status_code == 403
    anonymous = Client().get(shown)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login/")
    assert not Contract.objects.exists()
    assert staging.find(world_actor(maria), upload_id).options["date_order"] == "auto"
    assert maria.get(reverse("import-preview", args=["x" * 22])).status_code == 404


def test_managers_see_the_import_link(maria):
    assert f'href="{reverse("import")}"' in text(maria.get(reverse("contract-list")))


# --- export -----------------------------------------------------------------------------------


def test_the_contract_list_exports_with_its_filters(maria, manager, sheet_rows):
    from pactline.transfer.importing import commit_import

    commit_import(manager, csv_bytes(sheet_rows))
    listing = text(maria.get(reverse("contract-list"), {"q": "Support"}, headers=HTMX))
    links = re.findall(r'href="(/contracts/export/\?[^"]+)">Export (XLSX|CSV)', listing)
    assert {kind for _, kind in links} == {"XLSX", "CSV"}
    csv_link = next(href for href, kind in links if kind == "CSV").replace("&amp;", "&")
    assert "q=Support" in csv_link
    exported = maria.get(csv_link)
    assert exported["Content-Type"] == "text/csv; charset=utf-8"
    assert 'attachment; filename="acme-contracts-' in exported["Content-Disposition"]
    body = exported.content.decode("utf-8-sig")
    assert "C-200" in body and "C-100" not in body

    whole = maria.get(reverse("contract-export"), {"format": "xlsx"})
    assert whole.content[:2] == b"PK"
    # the export is in the importer's layout: importing it back changes nothing
    upload_id = staged_id(upload(maria, whole.content, "export.xlsx"))
    page = text(preview(maria, upload_id))
    none = '<td class="num">0</td><td class="num">0</td>'
    assert f'<th scope="row">Contracts</th>{none}<td class="num">2</td>' in page
    assert f'<th scope="row">Milestones</th>{none}<td class="num">3</td>' in page


def test_export_refuses_an_unknown_format(maria):
    assert maria.get(reverse("contract-export"), {"format": "pdf"}).status_code == 422


# --- calendar feeds ---------------------------------------------------------------------------


def test_a_feed_is_created_shown_once_and_revoked(login, world, contract):
    client = login("member")
    page = client.get(reverse("feed-list"))
    assert "You have no calendar feeds yet." in text(page)
    created = client.post(reverse("feed-create"), {"scope": "contract", "contract": contract.pk})
    assert created.status_code == 201
    assert "no-store" in created["Cache-Control"]
    url = re.search(r'id="feed-url" type="text" readonly value="([^"]+)"', text(created)).group(1)
    assert "/feeds/plf_" in url and url.endswith(".ics")
    assert "Google Calendar" in text(created) and "webcal://" in text(created)

    secret_path = url.split("://", 1)[1].split("/", 1)[1]
    assert Client().get("/" + secret_path).status_code == 200
    listing = text(client.get(reverse("feed-list")))
    token = FeedToken.objects.get()
    assert token.contract_id == contract.pk
    assert f"<code>{token.hint}…</code>" in listing and url not in listing  # shown once

    assert client.post(reverse("feed-revoke"), {"id": token.pk}).status_code == 302
    assert Client().get("/" + secret_path).status_code == 404


def test_the_contract_page_links_to_a_preselected_feed(login, contract):
    client = login("viewer")
    detail = text(client.get(reverse("contract-detail", args=[contract.pk])))
    assert f"/feeds/?contract={contract.pk}" in detail
    page = text(client.get(reverse("feed-list"), {"contract": contract.pk}))
    assert f'<option value="{contract.pk}" selected>' in page
    assert 'value="contract" required id="id_scope_1" checked' in page


def test_a_contract_feed_needs_its_contract(login):
    response = login("member").post(reverse("feed-create"), {"scope": "contract"})
    assert response.status_code == 422
    assert "Choose the contract." in text(response)
    assert not FeedToken.objects.exists()


def test_feeds_of_others(login, world, contract):
    from pactline.transfer.services import create_feed

    token, _ = create_feed(world.actor("manager"), "mine")
    assert login("member").post(reverse("feed-revoke"), {"id": token.pk}).status_code == 403
    assert login("outsider").post(reverse("feed-revoke"), {"id": token.pk}).status_code == 404
    assert login("admin").post(reverse("feed-revoke"), {"id": token.pk}).status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


# --- closure days -----------------------------------------------------------------------------


def test_admins_add_and_remove_closure_days_and_due_dates_move(login, world, manager, contract):
    m = milestone_services.create_milestone(
        manager,
        contract,
        {
            "title": "Kick-off",
            "due_anchor": "contract_start",
            "due_offset": 3,
            "due_unit": "working_days",
        },
    )
    assert Milestone.objects.get(pk=m.pk).due_date == date(2027, 1, 7)
    admin = login("admin")
    added = admin.post(reverse("closure-add"), {"date": "2027-01-05", "name": "Offsite"})
    assert added.status_code == 302
    page = text(admin.get(reverse("closure-list")))
    assert "5 Jan 2027 is now a closure day. 1 due date moved." in page
    assert "Offsite" in page
    assert Milestone.objects.get(pk=m.pk).due_date == date(2027, 1, 8)

    twice = admin.post(reverse("closure-add"), {"date": "2027-01-05", "name": "Again"})
    assert twice.status_code == 422 and "Is already a closure day (Offsite)" in text(twice)

    closure = OrganisationClosure.objects.get()
    assert admin.post(reverse("closure-remove"), {"id": closure.pk}).status_code == 302
    assert "5 Jan 2027 is a working day again. 1 due date moved." in text(
        admin.get(reverse("closure-list"))
    )
    assert Milestone.objects.get(pk=m.pk).due_date == date(2027, 1, 7)
    verbs = set(Event.objects.values_list("verb", flat=True))
    assert {"closure_added", "closure_removed"} <= verbs


def test_closure_days_come_from_an_ics_file(login, world):
    admin = login("owner")
    response = admin.post(
        reverse("closure-import"), {"file": SimpleUploadedFile("hols.ics", ICS.encode())}
    )
    assert response.status_code == 302
    assert "1 closure day added, 0 already there." in text(admin.get(reverse("closure-list")))
    bad = admin.post(reverse("closure-import"), {"file": SimpleUploadedFile("x.ics", b"hello")})
    assert bad.status_code == 422 and "Is not an iCalendar file" in text(bad)


def test_everyone_sees_closure_days_only_admins_change_them(login, world):
    OrganisationClosure.objects.create(organisation=world.acme, date="2027-08-02", name="Summer")
    viewer = login("viewer")
    page = text(viewer.get(reverse("closure-list")))
    assert "Summer" in page and "Add closure day" not in page and "Remove" not in page
    closure = OrganisationClosure.objects.get()
    assert login("manager").post(reverse("closure-remove"), {"id": closure.pk}).status_code == 403
    assert login("outsider").post(reverse("closure-remove"), {"id": closure.pk}).status_code == 404
    assert "Summer" not in text(login("outsider").get(reverse("closure-list")))
    assert OrganisationClosure.objects.count() == 1

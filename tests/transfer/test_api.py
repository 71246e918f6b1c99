"""The import, export, feed, closure and mapping endpoints of the REST API."""

from __future__ import annotations

import base64
import csv
import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from pactline.activity.models import Event
from pactline.contracts.models import Contract
from pactline.milestones import services as milestone_services
from pactline.milestones.models import Milestone
from pactline.transfer.models import FeedToken, ImportMapping, OrganisationClosure
from tests.api.conftest import ApiClient, make_token, url
from tests.transfer.conftest import csv_bytes
from tests.transfer.helpers import ICS

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(world):
    def build(role: str) -> ApiClient:
        org = world.rival if role == "outsider" else world.acme
        return ApiClient(make_token(world.user(role), org))

    return build


def send_file(client: ApiClient, path: str, data: bytes, name: str = "plan.csv", **fields):
    """A multipart upload with the client's bearer token."""
    body = {"file": SimpleUploadedFile(name, data), **fields}
    return client.client.post(path, body, headers=client.headers)


def upload_json(client: ApiClient, data: bytes, name: str = "plan.csv", **fields):
    body = {"filename": name, "content_base64": base64.b64encode(data).decode(), **fields}
    return client.post(url("import-create"), body)


# --- import -----------------------------------------------------------------------------------


def test_upload_preview_and_commit(api, sheet_rows):
    maria = api("manager")
    response = send_file(maria, url("import-create"), csv_bytes(sheet_rows), "q1.csv")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert len(body["id"]) == 22 and body["filename"] == "q1.csv"
    preview = body["preview"]
    assert preview["counts"] == {
        "contracts": {"create": 2, "update": 0, "unchanged": 0},
        "milestones": {"create": 3, "update": 0, "unchanged": 0},
        "parties": {"create": 2},
    }
    assert preview["ok"] and preview["committable"] and preview["format"] == "csv"
    assert preview["mapping"]["Due date"] == "due_date"
    assert [c["label"] for c in preview["changes"]][:2] == ["C-100", "C-100 / Kick-off"]
    assert not Contract.objects.exists()

    commit = maria.post(
        url("import-commit", import_id=body["id"]), {"fingerprint": preview["fingerprint"]}
    )
    assert commit.status_code == 200, commit.json()
    result = commit.json()
    assert result["created"] == {"contracts": 2, "milestones": 3, "parties": 2}
    assert len(result["milestone_ids"]) == 3
    assert Milestone.objects.count() == 3
    again = maria.post(url("import-commit", import_id=body["id"]))
    assert again.status_code == 404  # a staged file is committed once


def test_json_upload_and_a_reimport_that_changes_nothing(api, sheet_rows):
    maria = api("manager")
    first = upload_json(maria, csv_bytes(sheet_rows))
    assert maria.post(url("import-commit", import_id=first.json()["id"])).status_code == 200
    events = Event.objects.count()
    second = upload_json(maria, csv_bytes(sheet_rows)).json()
    assert second["preview"]["counts"]["milestones"]["unchanged"] == 3
    assert second["preview"]["changes"] == []
    assert maria.post(url("import-commit", import_id=second["id"])).json()["unchanged"] == {
        "contracts": 2,
        "milestones": 3,
    }
    assert Event.objects.count() == events


def test_updates_show_old_and_new_values(api, manager, sheet_rows):
    from pactline.transfer.importing import commit_import

    commit_import(manager, csv_bytes(sheet_rows))
    sheet_rows[2][4] = "2027-07-15"
    preview = upload_json(api("manager"), csv_bytes(sheet_rows)).json()["preview"]
    [change] = preview["changes"]
    assert change["action"] == "update" and change["row"] == 3
    assert change["changes"] == [{"field": "due_date", "old": "2027-06-30", "new": "2027-07-15"}]


def test_problems_are_listed_and_block_the_commit(api, sheet_rows):
    maria = api("manager")
    sheet_rows[2][4] = "31/02/2027"
    body = upload_json(maria, csv_bytes(sheet_rows)).json()
    assert not body["preview"]["ok"]
    [problem] = body["preview"]["problems"]
    assert problem["row"] == 3 and problem["column"] == "Due date"
    assert problem["value"] == "31/02/2027" and problem["reason"]
    refused = maria.post(url("import-commit", import_id=body["id"]))
    assert refused.status_code == 422
    assert "row 3, column 'Due date'" in refused.json()["errors"]["file"][0]
    assert not Contract.objects.exists()


def test_a_stale_fingerprint_is_a_conflict(api, manager, sheet_rows):
    from pactline.contracts import services

    maria = api("manager")
    body = upload_json(maria, csv_bytes(sheet_rows)).json()
    services.create_contract(manager, {"number": "C-200", "title": "Made meanwhile"})
    stale = maria.post(
        url("import-commit", import_id=body["id"]), {"fingerprint": body["preview"]["fingerprint"]}
    )
    assert stale.status_code == 409
    assert "differs from the preview" in stale.json()["detail"]
    assert Contract.objects.count() == 1


def test_conflicts_need_override(api, manager, sheet_rows):
    from pactline.transfer.importing import commit_import

    maria = api("manager")
    commit_import(manager, csv_bytes(sheet_rows))
    export = maria.get(url("export"), {"format": "csv"}).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(export)))
    due = rows[0].index("Due date")
    golive = next(r for r in rows if "Go-live" in r)
    golive[due] = "2027-07-15"
    m = Milestone.objects.get(title="Go-live")
    milestone_services.update_milestone(manager, m, {"description": "changed"}, m.version)

    body = upload_json(maria, csv_bytes(rows), "export.csv").json()
    [conflict] = body["preview"]["conflicts"]
    assert conflict["kind"] == "milestone" and conflict["version_now"] > conflict["version_in_file"]
    assert not body["preview"]["committable"]
    refused = maria.post(url("import-commit", import_id=body["id"]))
    assert refused.status_code == 422
    assert "override_conflicts" in refused.json()["errors"]
    done = maria.post(url("import-commit", import_id=body["id"]), {"override_conflicts": True})
    assert done.status_code == 200
    assert Milestone.objects.get(pk=m.pk).due_date == date(2027, 7, 15)


def test_options_are_checked_and_named(api, sheet_rows):
    maria = api("manager")
    data = csv_bytes(sheet_rows)
    cases = [
        ({"date_order": "ymd"}, "date_order"),
        ({"mapping": '{"Ref": "nonsense"}'}, "mapping"),
        ({"mapping": "not json"}, "mapping"),
        ({"encoding": "klingon"}, "encoding"),
        ({"encoding": "base64"}, "encoding"),
        ({"mapping_name": "Nothing saved"}, "mapping_name"),
        ({"colour": "blue"}, "colour"),
    ]
    for fields, name in cases:
        response = send_file(maria, url("import-create"), data, **fields)
        assert response.status_code == 422, fields
        assert name in response.json()["errors"], (fields, response.json())
    missing = maria.client.post(url("import-create"), {}, headers=maria.headers)
    assert missing.status_code == 422 and "file" in missing.json()["errors"]
    bad = maria.post(url("import-create"), {"filename": "x.csv", "content_base64": "@@@"})
    assert bad.status_code == 422 and "content_base64" in bad.json()["errors"]
    typo = maria.post(url("import-create"), {"filename": "x.csv", "contents": "eA=="})
    assert set(typo.json()["errors"]) == {"content_base64", "contents"}


def test_a_mapping_sent_with_the_upload(api):
    rows = [["Ref", "Thing", "When"], ["K-1", "Tiles", "2027-04-01"]]
    mapping = {"Ref": "contract_number", "Thing": "milestone_title", "When": "due_date"}
    body = upload_json(api("manager"), csv_bytes(rows), mapping=mapping).json()["preview"]
    assert body["problems"] == [
        {
            "row": 2,
            "column": "Contract title",
            "value": "",
            "reason": "a new contract needs a title",
        }
    ]
    assert body["mapping"] == mapping


def test_only_managers_import_and_only_the_uploader_commits(api, sheet_rows):
    for role in ("viewer", "member"):
        assert upload_json(api(role), csv_bytes(sheet_rows)).status_code == 403
    body = upload_json(api("manager"), csv_bytes(sheet_rows)).json()
    commit = url("import-commit", import_id=body["id"])
    assert api("owner").post(commit).status_code == 403
    assert api("outsider").post(commit).status_code == 404
    assert api("member").post(commit).status_code == 403
    assert not Contract.objects.exists()


# --- export -----------------------------------------------------------------------------------


def test_export_takes_the_contract_list_filters(api, manager, sheet_rows):
    from pactline.transfer.importing import commit_import

    commit_import(manager, csv_bytes(sheet_rows))
    viewer = api("viewer")
    response = viewer.get(url("export"), {"format": "csv", "q": "Support"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8-sig")
    assert "C-200" in text and "C-100" not in text
    xlsx = viewer.get(url("export"))
    assert xlsx.content[:2] == b"PK"
    assert "spreadsheetml" in xlsx["Content-Type"]
    assert viewer.get(url("export"), {"format": "pdf"}).status_code == 422
    outsider = api("outsider").get(url("export"), {"format": "csv"}).content.decode("utf-8-sig")
    assert "C-100" not in outsider


# --- feeds ------------------------------------------------------------------------------------


def test_feeds_are_created_listed_and_revoked(api, contract):
    mike = api("member")
    created = mike.post(url("feed-create"), {"scope": "contract", "contract_id": contract.pk})
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["url"].startswith("http") and "/feeds/plf_" in body["url"]
    assert body["webcal_url"].startswith("webcal://")
    listed = mike.get(url("feed-list")).json()
    assert listed["count"] == 1 and "url" not in listed["items"][0]
    assert listed["items"][0]["hint"] == body["hint"]
    path = "/" + body["url"].split("://", 1)[1].split("/", 1)[1]
    assert Client().get(path).status_code == 200
    assert api("manager").delete(url("feed-delete", feed_id=body["id"])).status_code == 403
    assert api("outsider").delete(url("feed-delete", feed_id=body["id"])).status_code == 404
    assert mike.delete(url("feed-delete", feed_id=body["id"])).status_code == 204
    assert Client().get(path).status_code == 404
    assert mike.get(url("feed-list")).json()["count"] == 0


def test_feed_input_is_checked(api, world):
    from tests.factories import ContractFactory

    mike = api("member")
    assert "contract" in mike.post(url("feed-create"), {"scope": "contract"}).json()["errors"]
    assert "scope" in mike.post(url("feed-create"), {"scope": "everything"}).json()["errors"]
    theirs = ContractFactory(organisation=world.rival)
    response = mike.post(url("feed-create"), {"scope": "contract", "contract_id": theirs.pk})
    assert response.status_code == 422 and "contract_id" in response.json()["errors"]
    assert not FeedToken.objects.exists()


# --- closure days -----------------------------------------------------------------------------


def test_closure_days_through_the_api(api, manager, contract):
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
    adam = api("admin")
    added = adam.post(url("closure-create"), {"date": "2027-01-05", "name": "Offsite"})
    assert added.status_code == 201, added.json()
    assert added.json()["moved"] == 1
    assert Milestone.objects.get(pk=m.pk).due_date == date(2027, 1, 8)
    twice = adam.post(url("closure-create"), {"date": "2027-01-05", "name": "Again"})
    assert twice.status_code == 422 and "date" in twice.json()["errors"]

    imported = send_file(adam, url("closure-import"), ICS.encode(), "hols.ics")
    assert imported.status_code == 200
    assert imported.json() == {"added": 1, "unchanged": 0, "moved": 0, "skipped": []}
    again = adam.post(url("closure-import"), {"ics": ICS})
    assert again.json()["unchanged"] == 1

    days = api("viewer").get(url("closure-list"), {"after": "2027-06-01"}).json()
    assert [d["name"] for d in days["items"]] == ["Christmas closure"]
    assert api("viewer").get(url("closure-list")).json()["count"] == 2

    offsite = OrganisationClosure.objects.get(name="Offsite")
    assert api("manager").delete(url("closure-delete", closure_id=offsite.pk)).status_code == 403
    assert adam.delete(url("closure-delete", closure_id=offsite.pk)).status_code == 204
    assert Milestone.objects.get(pk=m.pk).due_date == date(2027, 1, 7)
    not_ics = adam.post(url("closure-import"), {"ics": "hello"})
    assert not_ics.status_code == 422 and "file" in not_ics.json()["errors"]


# --- saved mappings ---------------------------------------------------------------------------


def test_saved_mappings(api, world):
    maria = api("manager")
    saved = maria.post(
        url("import-mapping-create"), {"name": "Ours", "mapping": {"Ref": "contract_number"}}
    )
    assert saved.status_code == 201 and saved.json()["version"] == 1
    replaced = maria.post(
        url("import-mapping-create"),
        {"name": "Ours", "mapping": {"Ref": "contract_number", "Thing": "milestone_title"}},
    )
    assert replaced.json()["version"] == 2 and replaced.json()["id"] == saved.json()["id"]
    assert api("viewer").get(url("import-mapping-list")).json()["count"] == 1
    assert api("outsider").get(url("import-mapping-list")).json()["count"] == 0
    wrong = maria.post(url("import-mapping-create"), {"name": "Bad", "mapping": {"A": "nope"}})
    assert wrong.status_code == 422 and "mapping" in wrong.json()["errors"]
    assert (
        api("member").post(url("import-mapping-create"), {"name": "M", "mapping": {}}).status_code
        == 403
    )
    mapping_id = saved.json()["id"]
    assert (
        api("outsider").delete(url("import-mapping-delete", mapping_id=mapping_id)).status_code
        == 404
    )
    assert maria.delete(url("import-mapping-delete", mapping_id=mapping_id)).status_code == 204
    assert not ImportMapping.objects.exists()

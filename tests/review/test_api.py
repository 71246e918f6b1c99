"""The review over the API: read a text, get the reading, accept and reject proposals."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pactline.contracts.models import Contract
from pactline.milestones.models import Milestone
from pactline.review.models import ExtractionRun
from tests.api.conftest import ApiClient, url
from tests.review.helpers import CONTRACT_TEXT, proposal_of
from tests.review.test_services import scanned_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_manager(api_as) -> ApiClient:
    return api_as("manager")


def create_url(contract: Contract) -> str:
    return url("contract-extraction-create", contract_id=contract.pk)


def test_json_text_gives_a_reading_with_proposals(as_manager: ApiClient, contract) -> None:
    response = as_manager.post(create_url(contract), {"text": CONTRACT_TEXT})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["contract_id"] == contract.pk and body["filename"] == ""
    assert body["text"] == CONTRACT_TEXT
    by_field = {p["field"]: p for p in body["proposals"]}
    effective = by_field["effective_date"]
    assert effective["value"] == "2014-05-08" and effective["value_date"] == "2014-05-08"
    assert CONTRACT_TEXT[effective["start"] : effective["end"]] == effective["quote"]
    assert effective["status"] == "proposed" and effective["result"] is None
    assert by_field["notice_period"]["duration"] == {"amount": 90, "unit": "days"}
    assert by_field["notice_deadline"]["rule"] == {
        "anchor": "contract_end",
        "offset": -90,
        "unit": "calendar_days",
        "event": "",
    }
    assert by_field["expiration_date"]["trace"].startswith("expiration = effective date")


def test_a_multipart_file(as_manager: ApiClient, contract) -> None:
    upload = SimpleUploadedFile("supply.txt", CONTRACT_TEXT.encode())
    response = as_manager.client.post(
        create_url(contract), {"file": upload}, headers=as_manager.headers
    )
    assert response.status_code == 201, response.json()
    assert response.json()["filename"] == "supply.txt"


def test_a_scanned_pdf_is_a_422_on_file(as_manager: ApiClient, contract) -> None:
    upload = SimpleUploadedFile("scan.pdf", scanned_pdf())
    response = as_manager.client.post(
        create_url(contract), {"file": upload}, headers=as_manager.headers
    )
    assert response.status_code == 422
    assert "no text layer" in response.json()["errors"]["file"][0]


@pytest.mark.parametrize(
    ("body", "field"),
    [({}, "text"), ({"text": "x", "extra": 1}, "extra"), ({"text": " "}, "file")],
)
def test_invalid_json_bodies(as_manager: ApiClient, contract, body, field) -> None:
    response = as_manager.post(create_url(contract), body)
    assert response.status_code == 422
    assert field in response.json()["errors"]


def test_unknown_multipart_fields_are_refused(as_manager: ApiClient, contract) -> None:
    response = as_manager.client.post(
        create_url(contract), {"txt": "typo"}, headers=as_manager.headers
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"txt": ["is not a known field"]}


def test_get_and_list(as_manager: ApiClient, contract, run: ExtractionRun) -> None:
    detail = as_manager.get(url("extraction-detail", extraction_id=run.pk))
    assert detail.status_code == 200
    assert len(detail.json()["proposals"]) == run.proposals.count()
    listed = as_manager.get(url("contract-extraction-list", contract_id=contract.pk)).json()
    assert listed["count"] == 1
    item = listed["items"][0]
    assert item["proposals"] == item["open"] == run.proposals.count()
    assert item["created_by"] == "maria@acme.test"


def test_accept_as_proposed(as_manager: ApiClient, contract, run) -> None:
    p = proposal_of(run, "effective_date")
    response = as_manager.post(url("proposal-accept", proposal_id=p.pk))
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "accepted"
    assert body["result"] == {"type": "contract", "id": contract.pk}
    assert body["decided_by"] == "maria@acme.test"
    assert Contract.objects.get(pk=contract.pk).start_on == date(2014, 5, 8)
    again = as_manager.post(url("proposal-accept", proposal_id=p.pk))
    assert again.status_code == 409
    assert "already accepted" in again.json()["detail"]


def test_accept_with_a_corrected_value(as_manager: ApiClient, run) -> None:
    p = proposal_of(run, "obligation", "payment")
    response = as_manager.post(
        url("proposal-accept", proposal_id=p.pk), {"value": "45 days after contract start"}
    )
    assert response.status_code == 200, response.json()
    m = Milestone.objects.get(pk=response.json()["result"]["id"])
    assert (m.due_anchor, m.due_offset) == ("contract_start", 45)
    assert response.json()["edited_value"] == "45 days after contract start"


def test_an_unreadable_value_is_a_422(as_manager: ApiClient, run) -> None:
    p = proposal_of(run, "effective_date")
    response = as_manager.post(url("proposal-accept", proposal_id=p.pk), {"value": "05/06/2014"})
    assert response.status_code == 422
    assert "cannot read" in response.json()["errors"]["value"][0]


def test_reject(as_manager: ApiClient, contract, run) -> None:
    p = proposal_of(run, "agreement_date")
    response = as_manager.post(url("proposal-reject", proposal_id=p.pk), {"reason": "wrong"})
    assert response.status_code == 200
    assert response.json()["status"] == "rejected" and response.json()["reason"] == "wrong"
    assert Contract.objects.get(pk=contract.pk).signed_on is None


@pytest.mark.parametrize("role", ["viewer", "member"])
def test_lower_roles_are_refused(api_as, contract, run, role: str) -> None:
    client = api_as(role)
    p = proposal_of(run, "effective_date")
    assert client.post(create_url(contract), {"text": CONTRACT_TEXT}).status_code == 403
    assert client.get(url("extraction-detail", extraction_id=run.pk)).status_code == 403
    assert client.post(url("proposal-accept", proposal_id=p.pk)).status_code == 403
    assert client.post(url("proposal-reject", proposal_id=p.pk)).status_code == 403


def test_another_organisation_sees_nothing(as_outsider: ApiClient, contract, run) -> None:
    p = proposal_of(run, "effective_date")
    assert as_outsider.post(create_url(contract), {"text": "x"}).status_code == 404
    for name, kwargs in [
        ("extraction-detail", {"extraction_id": run.pk}),
        ("contract-extraction-list", {"contract_id": contract.pk}),
    ]:
        assert as_outsider.get(url(name, **kwargs)).status_code == 404
    assert as_outsider.post(url("proposal-accept", proposal_id=p.pk)).status_code == 404
    assert as_outsider.post(url("proposal-reject", proposal_id=p.pk)).status_code == 404

"""The event log is readable over the API after writes, and only one's own."""

from __future__ import annotations

import pytest

from pactline.contracts.models import Contract
from tests.api.conftest import ApiClient, url
from tests.factories import MilestoneFactory

pytestmark = pytest.mark.django_db


def test_writes_show_up_as_events(as_manager: ApiClient, as_viewer: ApiClient) -> None:
    created = as_manager.post(url("contract-create"), {"number": "E-1", "title": "Evented"}).json()
    as_manager.patch(url("contract-update", contract_id=created["id"]), {"title": "Renamed"})
    response = as_viewer.get(url("event-list"), {"contract_id": created["id"]})
    assert response.status_code == 200
    events = response.json()["items"]
    assert [e["verb"] for e in events] == ["updated", "created"], "newest first"
    assert events[0]["changes"]["title"] == {"before": "Evented", "after": "Renamed"}
    assert events[0]["actor_label"] == "maria@acme.test"
    assert events[0]["subject_type"] == "contract"
    assert len(events[0]["hash"]) == 64


def test_filter_by_subject(as_manager: ApiClient, contract: Contract) -> None:
    milestone = MilestoneFactory(contract=contract)
    as_manager.post(url("milestone-transition", milestone_id=milestone.pk), {"status": "done"})
    response = as_manager.get(
        url("event-list"), {"subject_type": "milestone", "subject_id": milestone.pk}
    )
    assert [e["verb"] for e in response.json()["items"]] == ["status_changed"]
    event_id = response.json()["items"][0]["id"]
    assert as_manager.get(url("event-detail", event_id=event_id)).json()["verb"] == (
        "status_changed"
    )
    assert as_manager.get(url("event-list"), {"verb": "deleted"}).json()["count"] == 0


def test_events_are_read_only(as_owner: ApiClient) -> None:
    assert as_owner.post(url("event-list"), {"verb": "forged"}).status_code == 405


def test_outsiders_see_none_of_them(as_manager: ApiClient, as_outsider: ApiClient) -> None:
    as_manager.post(url("contract-create"), {"number": "E-2", "title": "Private"})
    assert as_outsider.get(url("event-list")).json() == {"items": [], "count": 0}

"""The guest's column of the API permission matrix (tests/api/test_roles.py): a guest of the
vendor changes nothing through the main API (403, or 404 for what they cannot see), and reads
only their party's contracts and the milestones shared with them."""

from __future__ import annotations

import pytest

from pactline.contracts.models import Contract
from pactline.milestones.models import Milestone
from tests.api.conftest import url
from tests.api.test_roles import WRITES, Objects, objects
from tests.api.test_tenancy import snapshot
from tests.conftest import World

pytestmark = pytest.mark.django_db
__all__ = ["objects"]  # the matrix's fixture


@pytest.fixture
def shared(world: World, objects: Objects) -> Objects:
    """The contract is the guest's party's; the member's milestone is shared with guests."""
    Contract.objects.get(pk=objects.contract).parties.add(world.guest_party)
    Milestone.objects.filter(pk=objects.own).update(shared_with_guests=True)
    return objects


@pytest.mark.parametrize("action", list(WRITES))
def test_guest_changes_nothing(api_as, shared: Objects, action: str) -> None:
    url_name, method, kwargs, body, _least = WRITES[action]
    target = url(url_name, **(kwargs(shared) if kwargs else {}))
    payload = body(shared) if callable(body) else body
    client = api_as("guest")
    before = snapshot()
    response = (
        getattr(client, method)(target, payload) if payload else getattr(client, method)(target)
    )
    assert response.status_code in (403, 404), (action, response.content)
    assert snapshot() == before


def test_guest_reads_only_what_is_shared(api_as, shared: Objects) -> None:
    client = api_as("guest")
    assert [c["id"] for c in client.get(url("contract-list")).json()["items"]] == [shared.contract]
    milestones = client.get(url("milestone-list")).json()["items"]
    assert [m["id"] for m in milestones] == [shared.own]
    assert client.get(url("milestone-detail", milestone_id=shared.others)).status_code == 404
    assert client.get(url("party-detail", party_id=shared.party)).status_code == 404
    assert client.get(url("template-list")).status_code == 403
    for event in client.get(url("event-list")).json()["items"]:
        assert (event["subject_type"], event["subject_id"]) == ("milestone", shared.own)

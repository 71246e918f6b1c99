"""Another organisation's objects do not exist: every object URL answers 404 to an outsider,
and nothing changes. A meta-test fails when an API route is missing from the table below."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from pactline.accounts.permissions import Actor
from pactline.activity.models import Event
from pactline.api import api
from pactline.contracts import services as contract_services
from pactline.contracts.models import Contract
from pactline.milestones import services as milestone_services
from pactline.milestones.models import ChecklistItem, Dependency, Milestone, MilestoneSeries
from tests.accounts.api_tables import PERSONAL_ROUTES as ACCESS_PERSONAL_ROUTES
from tests.accounts.api_tables import ROUTES as ACCESS_ROUTES
from tests.api.conftest import ApiClient, url
from tests.customfields.tables import ROUTES as CUSTOM_FIELD_ROUTES
from tests.factories import ChecklistItemFactory, MilestoneFactory
from tests.milestones.api_tables import ROUTES as MILESTONE_TYPE_ROUTES
from tests.notifications.api_tables import ROUTES as NOTIFICATION_ROUTES
from tests.reports.api_tables import COLLECTION_ROUTES as REPORT_COLLECTIONS
from tests.reports.api_tables import OBJECT_ROUTES as REPORT_OBJECT_ROUTES
from tests.review import helpers as review
from tests.savedviews.tables import ROUTES as SAVED_VIEW_ROUTES
from tests.transfer import helpers as transfer

pytestmark = pytest.mark.django_db


@dataclass
class Acme:
    """One object of every kind, all in Acme."""

    party: int
    contact: int
    contract: int
    milestone: int
    item: int
    template: int
    event: int
    other: int  # a second milestone, following the first
    dependency: int
    series: int
    occurrence: int


@pytest.fixture
def acme(contract: Contract, manager: Actor) -> Acme:
    party = contract_services.create_party(manager, {"name": "Initech"})
    contact = contract_services.add_contact(manager, party, {"name": "Peter"})
    milestone = MilestoneFactory(contract=contract)
    item = ChecklistItemFactory(milestone=milestone)
    template = milestone_services.create_template(manager, "Ours", "", [{"title": "One"}])
    event = Event.objects.filter(organisation=manager.organisation).first()
    other = MilestoneFactory(contract=contract)
    dependency = milestone_services.add_dependency(manager, other, milestone.pk)
    series = milestone_services.create_series(
        manager, contract, {"title": "Report", "rrule": "FREQ=MONTHLY", "window_days": 3660}
    )
    return Acme(
        party=party.pk,
        contact=contact.pk,
        contract=contract.pk,
        milestone=milestone.pk,
        item=item.pk,
        template=template.pk,
        event=event.pk,
        other=other.pk,
        dependency=dependency.pk,
        series=series.pk,
        occurrence=series.items.order_by("occurrence_date").first().pk,
    )


def _contact(a: Acme) -> dict[str, int]:
    return {"party_id": a.party, "contact_id": a.contact}


# url_name -> (method, path kwargs from the Acme objects, a body that would otherwise be valid)
OBJECT_ROUTES: dict[str, tuple[str, Any, Any]] = {
    "party-detail": ("get", lambda a: {"party_id": a.party}, None),
    "party-update": ("patch", lambda a: {"party_id": a.party}, {"name": "Mine"}),
    "party-delete": ("delete", lambda a: {"party_id": a.party}, None),
    "contact-list": ("get", lambda a: {"party_id": a.party}, None),
    "contact-create": ("post", lambda a: {"party_id": a.party}, {"name": "Spy"}),
    "contact-detail": ("get", _contact, None),
    "contact-update": ("patch", _contact, {"name": "Spy"}),
    "contact-delete": ("delete", _contact, None),
    "contract-detail": ("get", lambda a: {"contract_id": a.contract}, None),
    "contract-update": ("patch", lambda a: {"contract_id": a.contract}, {"title": "Mine"}),
    "contract-delete": ("delete", lambda a: {"contract_id": a.contract}, None),
    "contract-close": ("post", lambda a: {"contract_id": a.contract}, {"status": "terminated"}),
    "contract-milestone-list": ("get", lambda a: {"contract_id": a.contract}, None),
    "contract-milestone-create": ("post", lambda a: {"contract_id": a.contract}, {"title": "X"}),
    "contract-milestone-reorder": (
        "post",
        lambda a: {"contract_id": a.contract},
        lambda a: {"ids": [a.milestone]},
    ),
    "contract-apply-template": (
        "post",
        lambda a: {"contract_id": a.contract},
        lambda a: {"template_id": 1},
    ),
    "milestone-detail": ("get", lambda a: {"milestone_id": a.milestone}, None),
    "milestone-update": ("patch", lambda a: {"milestone_id": a.milestone}, {"title": "Mine"}),
    "milestone-delete": ("delete", lambda a: {"milestone_id": a.milestone}, None),
    "milestone-transition": (
        "post",
        lambda a: {"milestone_id": a.milestone},
        {"status": "cancelled"},
    ),
    "checklist-list": ("get", lambda a: {"milestone_id": a.milestone}, None),
    "checklist-create": ("post", lambda a: {"milestone_id": a.milestone}, {"title": "Spy"}),
    "checklist-item-detail": ("get", lambda a: {"item_id": a.item}, None),
    "checklist-item-update": ("patch", lambda a: {"item_id": a.item}, {"done": True}),
    "checklist-item-delete": ("delete", lambda a: {"item_id": a.item}, None),
    "template-detail": ("get", lambda a: {"template_id": a.template}, None),
    "template-update": ("patch", lambda a: {"template_id": a.template}, {"name": "Mine"}),
    "template-delete": ("delete", lambda a: {"template_id": a.template}, None),
    "event-detail": ("get", lambda a: {"event_id": a.event}, None),
    "milestone-dependency-list": ("get", lambda a: {"milestone_id": a.other}, None),
    "milestone-dependency-create": (
        "post",
        lambda a: {"milestone_id": a.milestone},
        lambda a: {"predecessor_id": a.occurrence},
    ),
    "dependency-detail": ("get", lambda a: {"dependency_id": a.dependency}, None),
    "dependency-delete": ("delete", lambda a: {"dependency_id": a.dependency}, None),
    "contract-what-if": (
        "post",
        lambda a: {"contract_id": a.contract},
        lambda a: {"milestones": [{"id": a.milestone, "due_date": "2027-05-03"}]},
    ),
    "contract-what-if-apply": (
        "post",
        lambda a: {"contract_id": a.contract},
        lambda a: {"contract": {"start_on": "2027-02-01"}, "basis": "b", "reason": "r"},
    ),
    "contract-series-list": ("get", lambda a: {"contract_id": a.contract}, None),
    "contract-series-create": (
        "post",
        lambda a: {"contract_id": a.contract},
        {"title": "Spy report", "rrule": "FREQ=WEEKLY"},
    ),
    "series-detail": ("get", lambda a: {"series_id": a.series}, None),
    "milestone-occurrence-update": (
        "patch",
        lambda a: {"milestone_id": a.occurrence},
        {"scope": "following", "title": "Mine"},
    ),
    "import-commit": (
        "post",
        lambda a: {"import_id": transfer.staged_import(a.contract)},
        {"override_conflicts": True},
    ),
    "import-mapping-delete": (
        "delete",
        lambda a: {"mapping_id": transfer.saved_mapping(a.contract)},
        None,
    ),
    "feed-delete": ("delete", lambda a: {"feed_id": transfer.owners_feed(a.contract)}, None),
    "closure-delete": (
        "delete",
        lambda a: {"closure_id": transfer.closure_day(a.contract)},
        None,
    ),
    # key dates from the contract text (tests/review/helpers.py)
    "contract-extraction-create": (
        "post",
        lambda a: {"contract_id": a.contract},
        {"text": "Dated as of May 8, 2014."},
    ),
    "contract-extraction-list": ("get", lambda a: {"contract_id": a.contract}, None),
    "extraction-detail": (
        "get",
        lambda a: {"extraction_id": review.quiet_run(a.contract).pk},
        None,
    ),
    "proposal-accept": (
        "post",
        lambda a: {"proposal_id": review.quiet_proposal(a.contract)},
        {"value": "2014-05-08"},
    ),
    "proposal-reject": (
        "post",
        lambda a: {"proposal_id": review.quiet_proposal(a.contract)},
        {"reason": "spying"},
    ),
}

# Routes without an object in their path: what they show is scoped, tested elsewhere.
COLLECTION_ROUTES = {
    "me",
    "party-list",
    "party-create",
    "contract-list",
    "contract-create",
    "milestone-list",
    "milestone-create",
    "template-list",
    "template-create",
    "event-list",
    "import-create",
    "export",
    "import-mapping-list",
    "import-mapping-create",
    "feed-list",
    "feed-create",
    "closure-list",
    "closure-create",
    "closure-import",
}


# Reports and money (tests/reports/api_tables.py).
OBJECT_ROUTES.update(REPORT_OBJECT_ROUTES)
COLLECTION_ROUTES |= REPORT_COLLECTIONS


def api_operations() -> list[tuple[str, str, str]]:
    api.urls  # noqa: B018 (binds nested routers, so `_routers` lists every one)
    return [
        (op.url_name, path, method)
        for _prefix, router in api._routers
        for path, view in router.path_operations.items()
        for op in view.operations
        for method in op.methods
    ]


def test_every_api_route_is_covered_by_the_tenancy_table() -> None:
    for url_name, path, method in api_operations():
        if url_name in NOTIFICATION_ROUTES:
            continue  # tested in tests/notifications/test_api_permissions.py
        if url_name in ACCESS_ROUTES or url_name in ACCESS_PERSONAL_ROUTES:
            continue  # tested in tests/accounts/test_api_permissions.py
        if url_name in SAVED_VIEW_ROUTES:
            continue  # tested in tests/savedviews/test_permissions.py
        if url_name in CUSTOM_FIELD_ROUTES:
            continue  # tested in tests/customfields/test_permissions.py
        if url_name in MILESTONE_TYPE_ROUTES:
            continue  # tested in tests/milestones/test_type_permissions.py
        if "{" in path:
            assert url_name in OBJECT_ROUTES, f"{method} {path} ({url_name}) has no 404 test"
            assert OBJECT_ROUTES[url_name][0] == method.lower()
        else:
            assert url_name in COLLECTION_ROUTES, f"{method} {path} ({url_name}) is untested"


def snapshot() -> tuple[Any, ...]:
    return (
        list(Contract.objects.values_list("pk", "title", "status", "version")),
        list(Milestone.objects.values_list("pk", "title", "status", "version")),
        list(ChecklistItem.objects.values_list("pk", "title", "done")),
        list(Dependency.objects.values_list("pk", "lag")),
        list(MilestoneSeries.objects.values_list("pk", "title", "version")),
        Event.objects.count(),
    )


@pytest.mark.parametrize("url_name", sorted(OBJECT_ROUTES))
def test_outsider_gets_404_and_changes_nothing(
    as_outsider: ApiClient, acme: Acme, url_name: str
) -> None:
    method, kwargs, body = OBJECT_ROUTES[url_name]
    before = snapshot()
    call = getattr(as_outsider, method)
    payload = body(acme) if callable(body) else body
    response = (
        call(url(url_name, **kwargs(acme)), payload)
        if payload
        else call(url(url_name, **kwargs(acme)))
    )
    assert response.status_code == 404, (url_name, response.json())
    assert set(response.json()) == {"detail", "errors"}
    assert snapshot() == before


@pytest.mark.parametrize("url_name", sorted(OBJECT_ROUTES))
def test_unknown_ids_are_404(as_owner: ApiClient, acme: Acme, url_name: str) -> None:
    method, kwargs, body = OBJECT_ROUTES[url_name]
    missing = {key: 10**12 for key in kwargs(acme)}
    payload = body(acme) if callable(body) else body
    call = getattr(as_owner, method)
    response = (
        call(url(url_name, **missing), payload) if payload else call(url(url_name, **missing))
    )
    assert response.status_code == 404, (url_name, response.json())


def test_lists_never_show_another_organisation(as_outsider: ApiClient, acme: Acme) -> None:
    for name in ("party-list", "contract-list", "milestone-list", "event-list"):
        assert as_outsider.get(url(name)).json()["count"] == 0, name
    templates = as_outsider.get(url("template-list")).json()["items"]
    assert all(t["builtin"] for t in templates)


def test_list_filters_naming_another_organisations_ids_find_nothing(
    as_outsider: ApiClient, acme: Acme
) -> None:
    assert (
        as_outsider.get(url("milestone-list"), {"contract_id": acme.contract}).json()["count"] == 0
    )
    assert as_outsider.get(url("contract-list"), {"party_id": acme.party}).json()["count"] == 0
    assert as_outsider.get(url("event-list"), {"contract_id": acme.contract}).json()["count"] == 0

"""Stored answers of the milestone lists (pactline.api_cache): served again only while nothing
they depend on has changed — a write by any path, the date, the person, their role."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pactline.accounts.models import Membership
from pactline.contracts.models import Contract
from pactline.milestones.services import recompute
from pactline.reports import penalties
from tests.api.conftest import ApiClient, url
from tests.conftest import World
from tests.factories import ContractFactory, MilestoneFactory

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2027, 3, 10, 9, 0, tzinfo=dt.UTC)
OVERDUE = {"health": "overdue"}


@pytest.fixture
def contract(world: World) -> Contract:
    contract = ContractFactory(organisation=world.acme, owner=world.user("manager"))
    MilestoneFactory(contract=contract, title="Late", due_date=dt.date(2027, 3, 1))
    MilestoneFactory(contract=contract, title="Later", due_date=dt.date(2027, 6, 1))
    return contract


@pytest.fixture(autouse=True)
def fixed_clock():
    with time_machine.travel(TODAY, tick=False) as traveller:
        yield traveller


def titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["title"] for row in response.json()["items"]]


def test_a_repeated_list_is_answered_without_reading_milestones(
    as_manager: ApiClient, contract: Contract
) -> None:
    first = as_manager.get(url("milestone-list"), OVERDUE)
    with CaptureQueriesContext(connection) as captured:
        again = as_manager.get(url("milestone-list"), OVERDUE)
    assert titles(again) == titles(first) == ["Late"]
    assert again.content == first.content
    assert again["ETag"] == first["ETag"]
    read = " ".join(q["sql"] for q in captured.captured_queries)
    assert "milestones_milestone" not in read  # only the token and membership were read


def test_the_etag_answers_304_until_something_changes(
    as_manager: ApiClient, contract: Contract
) -> None:
    first = as_manager.get(url("milestone-list"), OVERDUE)
    etag = first["ETag"]
    unchanged = as_manager.get(url("milestone-list"), OVERDUE, **{"If-None-Match": etag})
    assert unchanged.status_code == 304
    assert unchanged.content == b""
    later = contract.milestones.get(title="Later")
    moved = as_manager.patch(
        url("milestone-update", milestone_id=later.pk),
        {"due_date": "2027-03-05", "reason": "slipped", "version": later.version},
    )
    assert moved.status_code == 200, moved.json()
    changed = as_manager.get(url("milestone-list"), OVERDUE, **{"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert sorted(titles(changed)) == ["Late", "Later"]


def test_a_change_through_the_api_shows_in_the_next_list(
    as_manager: ApiClient, contract: Contract
) -> None:
    assert titles(as_manager.get(url("milestone-list"), OVERDUE)) == ["Late"]
    late = contract.milestones.get(title="Late")
    done = as_manager.post(
        url("milestone-transition", milestone_id=late.pk),
        {"status": "done", "completed_on": "2027-03-09", "version": late.version},
    )
    assert done.status_code == 200, done.json()
    assert titles(as_manager.get(url("milestone-list"), OVERDUE)) == []
    listed = as_manager.get(url("contract-milestone-list", contract_id=contract.pk)).json()
    assert {row["title"]: row["status"] for row in listed["items"]}["Late"] == "done"


def test_the_date_moving_on_changes_the_answer_without_any_write(
    as_manager: ApiClient, contract: Contract, fixed_clock
) -> None:
    assert titles(as_manager.get(url("milestone-list"), OVERDUE)) == ["Late"]
    fixed_clock.move_to(dt.datetime(2027, 6, 2, 9, 0, tzinfo=dt.UTC))
    assert sorted(titles(as_manager.get(url("milestone-list"), OVERDUE))) == ["Late", "Later"]


def test_midnight_in_the_organisations_time_zone_changes_the_answer(
    world: World, as_manager: ApiClient, fixed_clock
) -> None:
    world.acme.default_time_zone = "Pacific/Auckland"  # UTC+13 in March
    world.acme.save(update_fields=["default_time_zone"])
    contract = ContractFactory(organisation=world.acme)
    MilestoneFactory(contract=contract, title="Due on the 11th", due_date=dt.date(2027, 3, 11))
    fixed_clock.move_to(dt.datetime(2027, 3, 11, 10, 50, tzinfo=dt.UTC))  # 23:50 in Auckland
    assert titles(as_manager.get(url("milestone-list"), OVERDUE)) == []
    fixed_clock.move_to(dt.datetime(2027, 3, 11, 11, 5, tzinfo=dt.UTC))  # 00:05 on the 12th
    assert titles(as_manager.get(url("milestone-list"), OVERDUE)) == ["Due on the 11th"]


def test_one_persons_answer_is_never_anothers(
    world: World, as_owner: ApiClient, as_member: ApiClient, contract: Contract
) -> None:
    restricted = as_owner.patch(
        url("contract-update", contract_id=contract.pk), {"restricted": True, "version": 1}
    )
    assert restricted.status_code == 200, restricted.json()
    assert titles(as_owner.get(url("milestone-list"), OVERDUE)) == ["Late"]
    assert titles(as_member.get(url("milestone-list"), OVERDUE)) == []
    named = as_owner.post(
        url("contract-member-create", contract_id=contract.pk),
        {"user_id": world.user("member").pk},
    )
    assert named.status_code == 201, named.json()
    assert titles(as_member.get(url("milestone-list"), OVERDUE)) == ["Late"]


def test_a_role_changed_outside_the_services_changes_the_answer(
    world: World, as_manager: ApiClient, contract: Contract
) -> None:
    """`pactline member` changes a role without an event; the role is part of the key."""
    first = as_manager.get(url("milestone-list"), OVERDUE).json()["items"][0]
    Membership.objects.filter(user=world.user("manager")).update(role="viewer")
    again = as_manager.get(url("milestone-list"), OVERDUE).json()["items"][0]
    assert first["allowed_transitions"] and not again["allowed_transitions"]


def test_forecasts_written_without_an_event_show_in_the_next_list(
    world: World, as_manager: ApiClient, contract: Contract
) -> None:
    """The schedule saves forecasts and traces as derived data, with no event."""
    later = contract.milestones.get(title="Later")
    listed = as_manager.get(url("contract-milestone-list", contract_id=contract.pk)).json()
    assert {r["title"]: r["due_date_trace"] for r in listed["items"]}["Later"] == ""
    assert recompute(world.actor("manager"), contract, "daily refresh")  # no due date moved
    later.refresh_from_db()
    assert later.due_date_trace == "2027-06-01 (fixed date)"
    listed = as_manager.get(url("contract-milestone-list", contract_id=contract.pk)).json()
    traces = {r["title"]: r["due_date_trace"] for r in listed["items"]}
    assert traces["Later"] == "2027-06-01 (fixed date)"


def test_penalty_figures_refreshed_without_an_event_show_in_the_next_list(
    world: World, as_manager: ApiClient
) -> None:
    contract = ContractFactory(organisation=world.acme)
    MilestoneFactory(
        contract=contract,
        title="Fined",
        due_date=dt.date(2027, 3, 1),
        penalty_kind="fixed",
        penalty_rate=Decimal("100.00"),
    )
    before = as_manager.get(url("milestone-list"), OVERDUE).json()["items"][0]
    assert before["penalty_accrued"] is None  # not refreshed yet
    assert penalties.ensure_fresh(world.acme, dt.date(2027, 3, 10)) == 1
    after = as_manager.get(url("milestone-list"), OVERDUE).json()["items"][0]
    assert Decimal(after["penalty_accrued"]) == Decimal("900.00")  # 9 days x 100


def test_with_the_cache_switched_off_every_answer_is_computed(
    settings, as_manager: ApiClient, contract: Contract
) -> None:
    settings.PACTLINE_ANSWER_CACHE_MB = 0
    as_manager.get(url("milestone-list"), OVERDUE)
    with CaptureQueriesContext(connection) as captured:
        again = as_manager.get(url("milestone-list"), OVERDUE)
    assert titles(again) == ["Late"]
    assert "milestones_milestone" in " ".join(q["sql"] for q in captured.captured_queries)


def answers_counted() -> dict[str, float]:
    """This process's counts (/metrics adds up every process sharing the metrics directory,
    and the test run has several)."""
    from prometheus_client import REGISTRY

    return {
        source: REGISTRY.get_sample_value("pactline_api_answers_total", {"source": source}) or 0
        for source in ("computed", "stored", "not_modified")
    }


def test_metrics_count_stored_computed_and_not_modified_answers(
    as_manager: ApiClient, contract: Contract
) -> None:
    from django.test import Client

    before = answers_counted()
    first = as_manager.get(url("milestone-list"), OVERDUE)
    as_manager.get(url("milestone-list"), OVERDUE)
    as_manager.get(url("milestone-list"), OVERDUE, **{"If-None-Match": first["ETag"]})
    after = answers_counted()
    grown = {k: after[k] - before[k] for k in after}
    assert grown == {"computed": 1, "stored": 1, "not_modified": 1}
    scraped = Client().get("/metrics").content.decode()
    for source in after:
        assert f'pactline_api_answers_total{{source="{source}"}}' in scraped


def test_the_store_keeps_only_the_current_generation_within_its_bytes() -> None:
    from pactline.api_cache import AnswerStore

    store = AnswerStore(max_bytes=3 * 1200)
    page = (b"x" * 1000, "application/json")
    store.put(1, (7, "2027-03-10", 1), "a", page)
    store.put(1, (7, "2027-03-10", 1), "b", page)
    store.put(2, (3, "2027-03-10", 1), "c", page)
    assert store.get(1, (7, "2027-03-10", 1), "a") == page
    # A change in organisation 1: its answers of revision 7 go at once; organisation 2's stay.
    store.put(1, (8, "2027-03-10", 1), "a", page)
    assert store.get(1, (7, "2027-03-10", 1), "b") is None
    assert store.size == 2 * 1200
    assert store.get(2, (3, "2027-03-10", 1), "c") == page
    # An answer computed from an older revision than one already seen is not kept.
    store.put(1, (7, "2027-03-10", 1), "late", page)
    assert store.get(1, (8, "2027-03-10", 1), "late") is None
    # Past the bound, the least recently used answer goes first ("a": "c" was read since).
    store.put(1, (8, "2027-03-10", 1), "d", page)
    store.put(1, (8, "2027-03-10", 1), "e", page)
    assert store.size == 3 * 1200
    assert store.get(1, (8, "2027-03-10", 1), "a") is None
    assert store.get(2, (3, "2027-03-10", 1), "c") == page
    assert store.get(1, (8, "2027-03-10", 1), "e") == page

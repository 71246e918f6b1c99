"""Milestones over the API: create, read, filter, change, transition, reorder, delete."""

from __future__ import annotations

import datetime as dt

import pytest

from pactline.accounts.permissions import Actor
from pactline.contracts.models import Contract
from pactline.milestones import services
from pactline.milestones.models import Milestone
from tests.api.conftest import ApiClient, url
from tests.conftest import World
from tests.factories import ContractFactory, MilestoneFactory, PartyFactory

pytestmark = pytest.mark.django_db

MILESTONE_KEYS = {
    "id",
    "contract_id",
    "title",
    "kind",
    "description",
    "owner_id",
    "approver_id",
    "due_anchor",
    "due_offset",
    "due_unit",
    "due_period_end",
    "due_roll",
    "anchor_milestone_id",
    "due_fixed",
    "rule_text",
    "computed_due_date",
    "due_override",
    "due_override_reason",
    "due_date",
    "due_date_trace",
    "due_provisional",
    "baseline_due_date",
    "forecast_date",
    "slip_days",
    "status",
    "health",
    "completed_on",
    "payment_amount",
    "payment_share",
    "currency",
    "position",
    "shared_with_guests",
    "series_id",
    "occurrence_date",
    "detached",
    "checklist_total",
    "checklist_done",
    "allowed_transitions",
    "version",
    "created_at",
    "updated_at",
}
# Money: payments, retention and penalties (issue 6).
MILESTONE_KEYS |= {
    "custom_fields",  # the organisation's custom fields (issue 8)
    "invoiceable_on",
    "invoiced_on",
    "paid_on",
    "retention_percent",
    "retention_amount",
    "retention_release_milestone_id",
    "retention_invoiced_on",
    "retention_paid_on",
    "penalty_kind",
    "penalty_rate",
    "penalty_grace_days",
    "penalty_working_days",
    "penalty_cap_kind",
    "penalty_cap",
    "penalty_accrued",
    "penalty_projected",
}


@pytest.fixture
def owned(contract: Contract, world: World) -> Milestone:
    """A milestone the member (mike) owns."""
    return MilestoneFactory(contract=contract, title="Mike's", owner=world.user("member"))


@pytest.fixture
def others(contract: Contract, world: World) -> Milestone:
    """A milestone owned by the manager: the member may only look."""
    return MilestoneFactory(contract=contract, title="Maria's", owner=world.user("manager"))


# --- create -----------------------------------------------------------------------------------


def test_create_nested_under_a_contract(
    as_manager: ApiClient, contract: Contract, world: World, frozen_today
) -> None:
    response = as_manager.post(
        url("contract-milestone-create", contract_id=contract.pk),
        {
            "title": "Design approval",
            "kind": "design_approval",
            "owner_id": world.user("member").pk,
            "due_anchor": "contract_start",
            "due_offset": 10,
            "due_unit": "working_days",
            "payment_share": "25",
            "checklist": ["Draft", "Review"],
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert set(body) == MILESTONE_KEYS
    assert body["contract_id"] == contract.pk
    assert body["due_date"] == "2027-01-18"
    assert "10 working days" in body["due_date_trace"]
    assert body["baseline_due_date"] == "2027-01-18"
    assert body["payment_amount"] == "25000.00"
    assert body["payment_share"] == "25.000"
    assert body["currency"] == "EUR"
    assert (body["checklist_total"], body["checklist_done"]) == (2, 0)
    assert body["health"] == "overdue"
    assert body["allowed_transitions"] == ["in_progress", "done", "cancelled"]
    assert body["version"] == 1


def test_create_flat_with_contract_id(as_manager: ApiClient, contract: Contract) -> None:
    response = as_manager.post(
        url("milestone-create"),
        {"contract_id": contract.pk, "title": "Go-live", "due_date": "2027-09-01"},
    )
    assert response.status_code == 201
    assert response.json()["due_date"] == "2027-09-01"


def test_create_flat_for_another_organisations_contract_is_422(
    as_manager: ApiClient, world: World
) -> None:
    foreign = ContractFactory(organisation=world.rival)
    response = as_manager.post(
        url("milestone-create"), {"contract_id": foreign.pk, "title": "Sneaky"}
    )
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["contract_id"]
    assert not Milestone.objects.exists()


def test_create_anchored_to_a_missing_milestone_is_422(
    as_manager: ApiClient, contract: Contract
) -> None:
    response = as_manager.post(
        url("contract-milestone-create", contract_id=contract.pk),
        {"title": "After", "due_anchor": "milestone", "anchor_milestone_id": 987654},
    )
    assert response.status_code == 422
    assert "anchor_milestone_id" in response.json()["errors"]


@pytest.mark.parametrize("role", ["member", "viewer"])
def test_only_managers_add_milestones(api_as, contract: Contract, role: str) -> None:
    response = api_as(role).post(
        url("contract-milestone-create", contract_id=contract.pk), {"title": "Nope"}
    )
    assert response.status_code == 403


def test_typo_in_a_field_is_422_naming_it(as_manager: ApiClient, contract: Contract) -> None:
    response = as_manager.post(
        url("contract-milestone-create", contract_id=contract.pk),
        {"title": "Typo", "due_dat": "2027-03-01"},
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"due_dat": ["is not a known field"]}


def test_bad_date_is_422_naming_the_field(as_manager: ApiClient, contract: Contract) -> None:
    response = as_manager.post(
        url("contract-milestone-create", contract_id=contract.pk),
        {"title": "Bad", "due_date": "2027-02-30"},
    )
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["due_date"]
    assert "due_date" in response.json()["detail"]


# --- read -------------------------------------------------------------------------------------


def test_get_one(as_viewer: ApiClient, owned: Milestone, frozen_today) -> None:
    response = as_viewer.get(url("milestone-detail", milestone_id=owned.pk))
    assert response.status_code == 200
    body = response.json()
    assert body["title"] == "Mike's"
    assert body["health"] == "on_track"
    assert body["allowed_transitions"] == [], "a viewer may not move anything"


def test_nested_list_in_position_order(
    as_viewer: ApiClient, contract: Contract, world: World
) -> None:
    second = MilestoneFactory(contract=contract, title="B", position=2)
    first = MilestoneFactory(contract=contract, title="A", position=1)
    MilestoneFactory(contract=ContractFactory(organisation=world.acme), title="Elsewhere")
    response = as_viewer.get(url("contract-milestone-list", contract_id=contract.pk))
    assert response.status_code == 200
    assert [m["id"] for m in response.json()["items"]] == [first.pk, second.pk]
    assert response.json()["count"] == 2


@pytest.fixture
def spread(world: World, frozen_today) -> dict[str, Milestone]:
    """Milestones around 'today' (2027-02-01) in two contracts."""
    acme = world.acme
    globex = PartyFactory(organisation=acme, name="Globex")
    main = ContractFactory(organisation=acme, number="M-1")
    main.parties.add(globex)
    other = ContractFactory(organisation=acme, number="M-2")
    return {
        "late": MilestoneFactory(
            contract=main,
            title="Late design",
            due_date=dt.date(2027, 1, 20),
            owner=world.user("member"),
        ),
        "soon": MilestoneFactory(contract=main, title="Soon test", due_date=dt.date(2027, 2, 5)),
        "far": MilestoneFactory(contract=other, title="Far go-live", due_date=dt.date(2027, 9, 1)),
        "done_late": MilestoneFactory(
            contract=other,
            title="Done late",
            status="done",
            due_date=dt.date(2027, 1, 10),
            completed_on=dt.date(2027, 1, 12),
        ),
        "rival": MilestoneFactory(
            contract=ContractFactory(organisation=world.rival),
            title="Rival late",
            due_date=dt.date(2027, 1, 1),
        ),
    }


def titles(response) -> list[str]:
    assert response.status_code == 200, response.json()
    return [m["title"] for m in response.json()["items"]]


def test_health_overdue_lists_what_is_late(as_viewer: ApiClient, spread) -> None:
    assert titles(as_viewer.get(url("milestone-list"), {"health": "overdue"})) == ["Late design"]


def test_health_repeats(as_viewer: ApiClient, spread) -> None:
    response = as_viewer.get(url("milestone-list"), {"health": ["overdue", "due_soon"]})
    assert titles(response) == ["Late design", "Soon test"]
    healths = [m["health"] for m in response.json()["items"]]
    assert healths == ["overdue", "due_soon"]


def test_health_moves_with_the_clock(as_viewer: ApiClient, spread, frozen_today) -> None:
    frozen_today.move_to(dt.datetime(2027, 2, 10, 12, 0, tzinfo=dt.UTC))
    response = as_viewer.get(url("milestone-list"), {"health": "overdue"})
    assert titles(response) == ["Late design", "Soon test"]


def test_list_items_read_as_the_milestone_itself(
    as_viewer: ApiClient, spread, world: World
) -> None:
    """The lists render their rows without re-validating them (api_common.lean_page): each
    row must be what GET /milestones/{id} answers, money, dates and custom values included."""
    Milestone.objects.filter(pk=spread["late"].pk).update(
        payment_amount="1250.50",
        retention_percent="5.000",
        custom_fields={"po": "PO-7", "weight": 2},
        approver=world.user("manager"),
    )
    Milestone.objects.filter(pk=spread["soon"].pk).update(
        due_anchor="milestone", anchor_milestone=spread["late"], forecast_date=dt.date(2027, 3, 1)
    )
    listed = as_viewer.get(url("milestone-list"), {"limit": 500}).json()["items"]
    assert len(listed) == 4
    for item in listed:
        alone = as_viewer.get(url("milestone-detail", milestone_id=item["id"]))
        assert item == alone.json()
    for health in {m["health"] for m in listed}:  # one health: a constant, not the CASE
        one = as_viewer.get(url("milestone-list"), {"health": health, "limit": 500})
        assert one.json()["items"] == [m for m in listed if m["health"] == health]
    nested = as_viewer.get(url("contract-milestone-list", contract_id=spread["late"].contract_id))
    assert nested.json()["items"] == [
        m for m in listed if m["contract_id"] == spread["late"].contract_id
    ]
    late = next(m for m in listed if m["id"] == spread["late"].pk)
    assert late["payment_amount"] == "1250.50" and late["custom_fields"]["po"] == "PO-7"


def test_milestone_filters(as_viewer: ApiClient, spread, world: World) -> None:
    main = spread["late"].contract
    globex = main.parties.get()
    get = as_viewer.get
    assert titles(get(url("milestone-list"))) == [
        "Done late",
        "Late design",
        "Soon test",
        "Far go-live",
    ]
    assert titles(get(url("milestone-list"), {"contract_id": main.pk})) == [
        "Late design",
        "Soon test",
    ]
    assert titles(get(url("milestone-list"), {"status": "done"})) == ["Done late"]
    assert titles(get(url("milestone-list"), {"owner_id": world.user("member").pk})) == [
        "Late design",
    ]
    assert titles(get(url("milestone-list"), {"party_id": globex.pk})) == [
        "Late design",
        "Soon test",
    ]
    assert titles(
        get(url("milestone-list"), {"due_after": "2027-02-01", "due_before": "2027-12-31"})
    ) == ["Soon test", "Far go-live"]
    assert titles(get(url("milestone-list"), {"q": "go-live"})) == ["Far go-live"]
    assert titles(get(url("milestone-list"), {"ordering": "-due_date", "limit": 1})) == [
        "Far go-live",
    ]
    assert titles(get(url("milestone-list"), {"health": "done_late"})) == ["Done late"]


def test_tag_filter(as_viewer: ApiClient, spread, manager: Actor) -> None:
    from pactline.contracts.services import update_contract

    update_contract(manager, spread["far"].contract, {"tags": ["gold"]}, None)
    assert titles(as_viewer.get(url("milestone-list"), {"tag": "gold"})) == [
        "Done late",
        "Far go-live",
    ]


@pytest.mark.parametrize(
    "params,field",
    [
        ({"health": "sick"}, "health"),
        ({"ordering": "chaos"}, "ordering"),
        ({"due_before": "2027-13-01"}, "due_before"),
        ({"contract_id": "abc"}, "contract_id"),
        ({"status": ["planned", "nope"]}, "status"),
    ],
)
def test_invalid_filters_are_422(as_viewer: ApiClient, params, field: str) -> None:
    response = as_viewer.get(url("milestone-list"), params)
    assert response.status_code == 422
    assert field in response.json()["errors"]


# --- change -----------------------------------------------------------------------------------


def test_moving_the_due_date_needs_a_reason(as_manager: ApiClient, owned: Milestone) -> None:
    target = url("milestone-update", milestone_id=owned.pk)
    response = as_manager.patch(target, {"due_date": "2027-04-01", "version": 1})
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["reason"]
    owned.refresh_from_db()
    assert (owned.due_date, owned.version) == (dt.date(2027, 3, 1), 1)

    response = as_manager.patch(
        target, {"due_date": "2027-04-01", "version": 1, "reason": "client asked"}
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["due_date"], body["baseline_due_date"], body["slip_days"]) == (
        "2027-04-01",
        "2027-03-01",
        31,
    )
    assert body["version"] == 2


def test_stale_version_is_409_and_changes_nothing(
    as_manager: ApiClient, owned: Milestone, manager: Actor
) -> None:
    services.update_milestone(manager, owned, {"title": "Renamed"}, 1)
    response = as_manager.patch(
        url("milestone-update", milestone_id=owned.pk), {"title": "Mine", "version": 1}
    )
    assert response.status_code == 409
    owned.refresh_from_db()
    assert (owned.title, owned.version) == ("Renamed", 2)


def test_member_changes_own_milestone(as_member: ApiClient, owned: Milestone) -> None:
    response = as_member.patch(
        url("milestone-update", milestone_id=owned.pk), {"description": "in hand"}
    )
    assert response.status_code == 200
    assert response.json()["description"] == "in hand"


def test_member_cannot_change_someone_elses(as_member: ApiClient, others: Milestone) -> None:
    response = as_member.patch(url("milestone-update", milestone_id=others.pk), {"title": "Mine"})
    assert response.status_code == 403
    others.refresh_from_db()
    assert others.title == "Maria's"


def test_member_cannot_reassign_even_their_own(
    as_member: ApiClient, owned: Milestone, world: World
) -> None:
    response = as_member.patch(
        url("milestone-update", milestone_id=owned.pk), {"owner_id": world.user("viewer").pk}
    )
    assert response.status_code == 403


def test_viewer_cannot_change(as_viewer: ApiClient, owned: Milestone) -> None:
    response = as_viewer.patch(url("milestone-update", milestone_id=owned.pk), {"title": "x"})
    assert response.status_code == 403


def test_owner_must_be_a_member_of_the_organisation(
    as_manager: ApiClient, owned: Milestone, world: World
) -> None:
    response = as_manager.patch(
        url("milestone-update", milestone_id=owned.pk), {"owner_id": world.outsider.pk}
    )
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["owner_id"]


def test_anchor_to_a_milestone_that_does_not_exist_is_422(
    as_manager: ApiClient, owned: Milestone
) -> None:
    response = as_manager.patch(
        url("milestone-update", milestone_id=owned.pk),
        {"due_anchor": "milestone", "anchor_milestone_id": 999999, "reason": "chain it"},
    )
    assert response.status_code == 422
    assert "anchor_milestone_id" in response.json()["errors"]


def test_anchor_follows_another_milestone(
    as_manager: ApiClient, owned: Milestone, others: Milestone
) -> None:
    response = as_manager.patch(
        url("milestone-update", milestone_id=owned.pk),
        {
            "due_anchor": "milestone",
            "anchor_milestone_id": others.pk,
            "due_offset": 7,
            "reason": "follows Maria's",
        },
    )
    assert response.status_code == 200, response.json()
    assert response.json()["due_date"] == "2027-03-08"
    assert response.json()["anchor_milestone_id"] == others.pk


def test_delete(api_as, owned: Milestone) -> None:
    target = url("milestone-delete", milestone_id=owned.pk)
    assert api_as("member").delete(target).status_code == 403
    assert api_as("manager").delete(target).status_code == 204
    assert not Milestone.objects.filter(pk=owned.pk).exists()


# --- transitions ------------------------------------------------------------------------------


def test_transition(as_member: ApiClient, owned: Milestone, frozen_today) -> None:
    target = url("milestone-transition", milestone_id=owned.pk)
    response = as_member.post(target, {"status": "in_progress", "note": "started", "version": 1})
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "in_progress"
    assert response.json()["version"] == 2
    response = as_member.post(target, {"status": "done", "completed_on": None})
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["completed_on"]) == ("done", "2027-02-01")
    assert response.json()["health"] == "done_on_time"


def test_transition_not_allowed_from_this_status(as_manager: ApiClient, owned: Milestone) -> None:
    response = as_manager.post(
        url("milestone-transition", milestone_id=owned.pk), {"status": "accepted"}
    )
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["status"]


def test_transition_with_stale_version_is_409(as_manager: ApiClient, owned: Milestone) -> None:
    response = as_manager.post(
        url("milestone-transition", milestone_id=owned.pk),
        {"status": "in_progress", "version": 9},
    )
    assert response.status_code == 409
    owned.refresh_from_db()
    assert owned.status == "planned"


def test_member_cannot_move_someone_elses(as_member: ApiClient, others: Milestone) -> None:
    response = as_member.post(
        url("milestone-transition", milestone_id=others.pk), {"status": "in_progress"}
    )
    assert response.status_code == 403


def test_completed_on_in_the_future_is_422(
    as_manager: ApiClient, owned: Milestone, frozen_today
) -> None:
    response = as_manager.post(
        url("milestone-transition", milestone_id=owned.pk),
        {"status": "done", "completed_on": "2027-05-01"},
    )
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["completed_on"]


def test_allowed_transitions_follow_the_caller(api_as, owned: Milestone, others: Milestone) -> None:
    def allowed(role: str, m: Milestone) -> list[str]:
        return (
            api_as(role)
            .get(url("milestone-detail", milestone_id=m.pk))
            .json()["allowed_transitions"]
        )

    assert allowed("member", owned) == ["in_progress", "done", "cancelled"]
    assert allowed("member", others) == []
    assert allowed("manager", others) == ["in_progress", "done", "cancelled"]


# --- order ------------------------------------------------------------------------------------


def test_reorder(as_manager: ApiClient, contract: Contract) -> None:
    a = MilestoneFactory(contract=contract, title="A", position=0)
    b = MilestoneFactory(contract=contract, title="B", position=1)
    c = MilestoneFactory(contract=contract, title="C", position=2)
    response = as_manager.post(
        url("contract-milestone-reorder", contract_id=contract.pk), {"ids": [c.pk, a.pk, b.pk]}
    )
    assert response.status_code == 200, response.json()
    assert [m["title"] for m in response.json()["items"]] == ["C", "A", "B"]
    assert [m["position"] for m in response.json()["items"]] == [0, 1, 2]
    listed = as_manager.get(url("contract-milestone-list", contract_id=contract.pk)).json()
    assert [m["title"] for m in listed["items"]] == ["C", "A", "B"]


def test_reorder_must_name_every_milestone_once(as_manager: ApiClient, contract: Contract) -> None:
    a = MilestoneFactory(contract=contract, position=0)
    MilestoneFactory(contract=contract, position=1)
    response = as_manager.post(
        url("contract-milestone-reorder", contract_id=contract.pk), {"ids": [a.pk, a.pk]}
    )
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["ids"]


def test_member_cannot_reorder(as_member: ApiClient, contract: Contract) -> None:
    a = MilestoneFactory(contract=contract)
    response = as_member.post(
        url("contract-milestone-reorder", contract_id=contract.pk), {"ids": [a.pk]}
    )
    assert response.status_code == 403


# --- checklists -------------------------------------------------------------------------------


def test_checklist_lifecycle(as_member: ApiClient, owned: Milestone, world: World) -> None:
    base = url("checklist-create", milestone_id=owned.pk)
    first = as_member.post(base, {"title": "Draft written"})
    assert first.status_code == 201, first.json()
    second = as_member.post(base, {"title": "Reviewed"}).json()
    assert (first.json()["position"], second["position"]) == (0, 1)

    listed = as_member.get(url("checklist-list", milestone_id=owned.pk)).json()
    assert [i["title"] for i in listed["items"]] == ["Draft written", "Reviewed"]

    item = url("checklist-item-update", item_id=first.json()["id"])
    ticked = as_member.patch(item, {"done": True, "version": 1})
    assert ticked.status_code == 200
    assert (ticked.json()["done"], ticked.json()["done_by_id"]) == (True, world.user("member").pk)
    assert ticked.json()["version"] == 2
    stale = as_member.patch(item, {"title": "Renamed", "version": 1})
    assert stale.status_code == 409
    assert (
        as_member.get(url("checklist-item-detail", item_id=first.json()["id"])).json()["title"]
        == "Draft written"
    )

    progress = as_member.get(url("milestone-detail", milestone_id=owned.pk)).json()
    assert (progress["checklist_total"], progress["checklist_done"]) == (2, 1)

    assert as_member.delete(url("checklist-item-delete", item_id=second["id"])).status_code == 204
    assert as_member.get(url("checklist-list", milestone_id=owned.pk)).json()["count"] == 1


def test_checklist_of_someone_elses_milestone_is_read_only_for_a_member(
    as_member: ApiClient, others: Milestone
) -> None:
    assert as_member.get(url("checklist-list", milestone_id=others.pk)).status_code == 200
    response = as_member.post(url("checklist-create", milestone_id=others.pk), {"title": "x"})
    assert response.status_code == 403


def test_a_fixed_date_milestone_keeps_no_anchor_milestone(
    as_manager: ApiClient, owned: Milestone, others: Milestone
) -> None:
    """An anchor id means nothing without due_anchor=milestone; it must not be stored (a
    dangling or foreign id would break the foreign key at commit)."""
    response = as_manager.patch(
        url("milestone-update", milestone_id=owned.pk), {"anchor_milestone_id": 999999}
    )
    assert response.status_code == 200, response.json()
    assert response.json()["anchor_milestone_id"] is None
    owned.refresh_from_db()
    assert owned.anchor_milestone_id is None

"""Milestone operations through the services: rules, reschedules, statuses, checklists."""

from datetime import date
from decimal import Decimal

import pytest

from pactline.activity.models import Event
from pactline.contracts import services as contracts
from pactline.errors import Conflict, Forbidden, ValidationFailed
from pactline.milestones import services
from pactline.milestones.builtin import STANDARD_DELIVERY
from pactline.milestones.models import Milestone, MilestoneTemplate


def standard_template() -> MilestoneTemplate:
    return MilestoneTemplate.objects.get(organisation=None, builtin_key=STANDARD_DELIVERY)


def new_milestone(actor, contract, **data):
    data.setdefault("title", "Design approval")
    return services.create_milestone(actor, contract, data)


def test_standard_template_gives_six_milestones_with_checklists_and_shares(manager):
    contract = contracts.create_contract(
        manager,
        {"number": "T-1", "title": "Portal", "start_on": date(2027, 1, 4), "value": "200000"},
        template_id=standard_template().pk,
    )
    ms = list(contract.milestones.order_by("position"))
    assert [m.title for m in ms] == [
        "Project initiation",
        "Design approval",
        "Development complete",
        "User acceptance testing",
        "Deployment and go-live",
        "Completion",
    ]
    assert ms[0].due_date == date(2027, 1, 11)  # 4 Jan + 5 working days
    assert all(m.checklist.count() == 3 for m in ms)
    assert sum(m.payment_amount for m in ms) == Decimal("200000.00")
    assert ms[0].baseline_due_date == ms[0].due_date


def test_moving_the_contract_start_moves_rule_based_dates_but_keeps_baselines(manager):
    contract = contracts.create_contract(
        manager,
        {"number": "T-2", "title": "Portal", "start_on": date(2027, 1, 4)},
        template_id=standard_template().pk,
    )
    contracts.update_contract(manager, contract, {"start_on": date(2027, 1, 11)}, 1)
    first = contract.milestones.order_by("position").first()
    assert first.due_date == date(2027, 1, 18)
    assert first.baseline_due_date == date(2027, 1, 11)
    assert first.slip_days == 7
    event = Event.objects.filter(subject_id=first.pk, verb="rescheduled").get()
    assert "start_on 2027-01-04 -> 2027-01-11" in event.summary


def test_rescheduling_needs_a_reason_and_keeps_the_baseline(manager, contract):
    m = new_milestone(manager, contract, due_date=date(2027, 3, 1))
    with pytest.raises(ValidationFailed) as err:
        services.update_milestone(manager, m, {"due_date": date(2027, 3, 15)}, m.version)
    assert "reason" in err.value.errors
    m = services.update_milestone(
        manager, m, {"due_date": date(2027, 3, 15)}, m.version, reason="client asked for time"
    )
    assert (m.due_date, m.baseline_due_date) == (date(2027, 3, 15), date(2027, 3, 1))
    event = Event.objects.filter(subject_id=m.pk, verb="rescheduled").get()
    assert event.changes["due_date"] == {"before": "2027-03-01", "after": "2027-03-15"}
    assert event.changes["reason"]["after"] == "client asked for time"


def test_stale_version_is_a_conflict_and_changes_nothing(manager, contract):
    m = new_milestone(manager, contract, due_date=date(2027, 3, 1))
    services.update_milestone(manager, m, {"title": "Renamed"}, 1)
    with pytest.raises(Conflict):
        services.update_milestone(manager, m, {"title": "Lost update"}, 1)
    assert Milestone.objects.get(pk=m.pk).title == "Renamed"


def test_milestone_anchored_on_another_follows_it_and_cycles_are_refused(manager, contract):
    design = new_milestone(manager, contract, due_date=date(2027, 3, 1))
    build = new_milestone(
        manager,
        contract,
        title="Build",
        due_anchor="milestone",
        anchor_milestone_id=design.pk,
        due_offset=10,
        due_unit="working_days",
    )
    assert build.due_date == date(2027, 3, 15)
    services.update_milestone(
        manager, design, {"due_date": date(2027, 3, 8)}, design.version, reason="slip"
    )
    build.refresh_from_db()
    assert build.due_date == date(2027, 3, 22)
    assert build.baseline_due_date == date(2027, 3, 15)
    with pytest.raises(ValidationFailed) as err:
        design.refresh_from_db()
        services.update_milestone(
            manager,
            design,
            {"due_anchor": "milestone", "anchor_milestone_id": build.pk},
            design.version,
            reason="loop",
        )
    assert "cycle" in err.value.errors["anchor_milestone_id"][0]


def test_validation_names_each_bad_field(manager, contract):
    with pytest.raises(ValidationFailed) as err:
        services.create_milestone(
            manager,
            contract,
            {"title": " ", "kind": "nonsense", "payment_share": Decimal("150"), "owner_id": 999999},
        )
    assert set(err.value.errors) == {"title", "kind", "payment_share", "owner_id"}
    assert not Milestone.objects.exists()


def test_unknown_fields_are_refused(manager, contract):
    with pytest.raises(ValidationFailed) as err:
        services.create_milestone(manager, contract, {"title": "X", "colour": "red"})
    assert err.value.errors == {"colour": ["is not a known field"]}


class TestStatuses:
    def test_a_milestone_without_approver_can_be_done_directly(self, manager, contract):
        m = new_milestone(manager, contract, due_date=date(2027, 3, 1))
        m = services.transition(manager, m, "in_progress")
        m = services.transition(manager, m, "done", completed_on=date(2025, 3, 1))
        assert m.status == "done" and m.completed_on == date(2025, 3, 1)
        m = services.transition(manager, m, "in_progress")
        assert m.completed_on is None

    def test_approval_flow_and_rejection_reason(self, world, manager, member, contract):
        m = new_milestone(
            manager, contract, owner_id=world.user("member").pk, approver_id=world.user("owner").pk
        )
        with pytest.raises(ValidationFailed):
            services.transition(member, m, "done")
        m = services.transition(member, m, "in_progress")
        m = services.transition(member, m, "submitted", note="deliverables attached")
        with pytest.raises(Forbidden):
            services.transition(member, m, "accepted")
        with pytest.raises(ValidationFailed) as err:
            services.transition(manager, m, "rejected")
        assert "note" in err.value.errors
        m = services.transition(manager, m, "rejected", note="tests missing")
        m = services.transition(member, m, "submitted")
        m = services.transition(world.actor("owner"), m, "accepted")
        assert m.is_complete and m.completed_on is not None
        verbs = list(
            Event.objects.filter(subject_id=m.pk, verb="status_changed")
            .order_by("seq")
            .values_list("changes__status__after", flat=True)
        )
        assert verbs == ["in_progress", "submitted", "rejected", "submitted", "accepted"]

    def test_disallowed_transition_names_the_allowed_ones(self, manager, contract):
        m = new_milestone(manager, contract)
        with pytest.raises(ValidationFailed) as err:
            services.transition(manager, m, "accepted")
        assert "cannot go from planned to accepted" in err.value.errors["status"][0]

    def test_allowed_transitions_depend_on_the_person(self, world, manager, viewer, contract):
        m = new_milestone(manager, contract, approver_id=world.user("owner").pk)
        assert services.allowed_transitions(manager, m) == ["in_progress", "cancelled"]
        assert services.allowed_transitions(viewer, m) == []


class TestRoles:
    def test_member_changes_only_own_milestones(self, world, manager, member, contract):
        mine = new_milestone(manager, contract, owner_id=world.user("member").pk)
        theirs = new_milestone(manager, contract, title="Other")
        services.update_milestone(member, mine, {"description": "on it"}, mine.version)
        with pytest.raises(Forbidden):
            services.update_milestone(member, theirs, {"description": "x"}, theirs.version)
        with pytest.raises(Forbidden):
            services.update_milestone(member, mine, {"owner_id": None}, None)
        with pytest.raises(Forbidden):
            new_milestone(member, contract)

    def test_viewer_changes_nothing(self, manager, viewer, contract):
        m = new_milestone(manager, contract)
        with pytest.raises(Forbidden):
            services.update_milestone(viewer, m, {"title": "x"}, None)
        with pytest.raises(Forbidden):
            services.add_checklist_item(viewer, m, "x")


def test_checklist_tick_records_who_and_an_event(world, manager, contract):
    m = new_milestone(manager, contract, checklist=["Spec written"])
    item = m.checklist.get()
    item = services.set_checklist_item(manager, item, done=True)
    assert item.done and item.done_by == world.user("manager")
    assert Event.objects.filter(subject_id=m.pk, verb="checklist_ticked").exists()


def test_reorder_requires_every_milestone_once(manager, contract):
    a = new_milestone(manager, contract, title="A", due_date=date(2027, 3, 1))
    b = new_milestone(manager, contract, title="B", due_date=date(2027, 4, 1))
    services.reorder(manager, contract, [b.pk, a.pk])
    assert list(contract.milestones.order_by("position").values_list("title", flat=True)) == [
        "B",
        "A",
    ]
    with pytest.raises(ValidationFailed):
        services.reorder(manager, contract, [b.pk])


def test_new_milestones_are_inserted_in_due_order(manager, contract):
    new_milestone(manager, contract, title="Late", due_date=date(2027, 6, 1))
    new_milestone(manager, contract, title="Early", due_date=date(2027, 2, 1))
    new_milestone(manager, contract, title="Middle", due_date=date(2027, 4, 1))
    titles = list(contract.milestones.order_by("position").values_list("title", flat=True))
    assert titles == ["Early", "Middle", "Late"]


def test_template_from_contract_round_trips(manager, contract):
    new_milestone(manager, contract, title="Kick-off", due_date=date(2027, 1, 14), checklist=["a"])
    template = services.template_from_contract(manager, contract, "Our way")
    item = template.items.get()
    assert (item.title, item.anchor, item.offset) == ("Kick-off", "contract_start", 10)
    assert [c.title for c in item.checklist.all()] == ["a"]


def test_builtin_templates_are_read_only(manager):
    with pytest.raises(Forbidden):
        services.update_template(manager, standard_template(), {"name": "Mine"}, None)
    copy = services.duplicate_template(manager, standard_template(), "Our delivery")
    assert copy.items.count() == 6

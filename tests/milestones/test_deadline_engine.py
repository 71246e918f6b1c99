"""The deadline engine through the services: cascades, overrides, what-if, series, templates."""

from datetime import date

import pytest

from pactline.activity.models import Event
from pactline.contracts import services as contracts
from pactline.errors import Conflict, ValidationFailed
from pactline.milestones import services
from pactline.milestones.health import Health, health_expression, health_of
from pactline.milestones.models import Milestone, MilestoneTemplate


def make(actor, contract, title, **data):
    return services.create_milestone(actor, contract, {"title": title, **data})


def reload(m: Milestone) -> Milestone:
    return Milestone.objects.get(pk=m.pk)


@pytest.fixture
def chain(manager, contract):
    """Design (fixed 1 March) -> Build (10 working days after) -> Test (5 after Build)."""
    design = make(manager, contract, "Design", due_date=date(2027, 3, 1))
    build = make(
        manager,
        contract,
        "Build",
        due_anchor="milestone",
        anchor_milestone_id=design.pk,
        due_offset=10,
        due_unit="working_days",
    )
    test = make(
        manager,
        contract,
        "Test",
        due_anchor="milestone",
        anchor_milestone_id=build.pk,
        due_offset=5,
        due_unit="working_days",
    )
    return design, build, test


def test_moving_one_date_moves_everything_downstream_with_one_event_each(manager, chain):
    design, build, test = chain
    assert (reload(build).due_date, reload(test).due_date) == (date(2027, 3, 15), date(2027, 3, 22))
    services.update_milestone(
        manager, design, {"due_date": date(2027, 3, 8)}, None, reason="late spec"
    )
    build, test = reload(build), reload(test)
    assert (build.due_date, test.due_date) == (date(2027, 3, 22), date(2027, 3, 29))
    assert (build.baseline_due_date, test.baseline_due_date) == (
        date(2027, 3, 15),
        date(2027, 3, 22),
    )
    assert test.slip_days == 7
    for m in (build, test):
        events = Event.objects.filter(subject_id=m.pk, verb="rescheduled")
        assert events.count() == 1
        assert "Design moved: late spec" in events.get().summary


def test_completion_anchor_follows_the_actual_completion(manager, contract, frozen_today):
    accept = make(manager, contract, "Acceptance", due_date=date(2027, 1, 20))
    invoice = make(
        manager,
        contract,
        "Invoice",
        due_anchor="milestone_done",
        anchor_milestone_id=accept.pk,
        due_offset=30,
        due_unit="calendar_days",
    )
    assert reload(invoice).due_provisional
    services.transition(manager, accept, "done", completed_on=date(2027, 1, 25))
    invoice = reload(invoice)
    assert invoice.due_date == date(2027, 2, 24) and not invoice.due_provisional
    assert "completion of Acceptance (2027-01-25) + 30 calendar days" in invoice.due_date_trace


def test_a_dependency_with_lag_pushes_and_a_cycle_is_refused_naming_it(manager, contract):
    a = make(manager, contract, "Approve design", due_date=date(2027, 3, 10))
    b = make(manager, contract, "Start build", due_date=date(2027, 3, 11))
    services.add_dependency(manager, b, a.pk, lag=3)
    assert reload(b).due_date == date(2027, 3, 15)
    assert "pushed to 2027-03-15 by Approve design" in reload(b).due_date_trace
    with pytest.raises(ValidationFailed) as err:
        services.add_dependency(manager, a, b.pk)
    assert err.value.errors["predecessor_id"] == [
        "would make a dependency cycle: Approve design -> Start build -> Approve design"
    ]


def test_a_late_predecessor_puts_successors_at_risk_before_they_are_late(
    manager, contract, frozen_today
):
    design = make(manager, contract, "Design", due_date=date(2027, 1, 25))  # overdue on 1 Feb
    build = make(manager, contract, "Build", due_date=date(2027, 2, 20))
    services.add_dependency(manager, build, design.pk, lag=25)
    build = Milestone.objects.annotate(health=health_expression(date(2027, 2, 1))).get(pk=build.pk)
    assert build.health == Health.AT_RISK
    assert build.forecast_date > build.due_date
    assert health_of(build, date(2027, 2, 1)) == Health.AT_RISK


def test_manual_override_needs_a_reason_and_keeps_the_computed_date(manager, chain):
    _, build, _ = chain
    with pytest.raises(ValidationFailed) as err:
        services.update_milestone(manager, build, {"due_override": date(2027, 4, 1)}, None)
    assert "reason" in err.value.errors
    build = services.update_milestone(
        manager, build, {"due_override": date(2027, 4, 1)}, None, reason="vendor holiday"
    )
    assert (build.due_date, build.computed_due_date) == (date(2027, 4, 1), date(2027, 3, 15))
    assert build.due_override_reason == "vendor holiday"
    assert build.due_date_trace.startswith("2027-04-01 set by hand; the rule gives 2027-03-15")


class TestWhatIf:
    def test_preview_writes_nothing_and_lists_moves_and_payments(self, manager, chain):
        design, _, test = chain
        services.update_milestone(manager, test, {"payment_amount": "5000"}, None)
        before = list(Milestone.objects.order_by("pk").values_list("due_date", "version"))
        events = Event.objects.count()
        preview = services.preview(
            manager,
            design.contract,
            {"milestones": [{"id": design.pk, "due_date": date(2027, 3, 5)}]},
        )
        assert list(Milestone.objects.order_by("pk").values_list("due_date", "version")) == before
        assert Event.objects.count() == events
        moved = {row["title"]: (row["old_due_date"], row["new_due_date"]) for row in preview.moves}
        assert moved == {
            "Design": (date(2027, 3, 1), date(2027, 3, 5)),
            "Build": (date(2027, 3, 15), date(2027, 3, 19)),
            "Test": (date(2027, 3, 22), date(2027, 3, 26)),
        }
        assert [p["title"] for p in preview.payments] == ["Test"]

    def test_apply_commits_exactly_the_preview_or_conflicts(self, manager, chain):
        design, _, _ = chain
        proposal = {"milestones": [{"id": design.pk, "due_date": date(2027, 3, 5)}]}
        preview = services.preview(manager, design.contract, proposal)
        services.apply(manager, design.contract, proposal, preview.basis, reason="what-if")
        assert {m.title: m.due_date for m in Milestone.objects.all()} == {
            row["title"]: row["new_due_date"] for row in preview.moves
        }
        with pytest.raises(Conflict):
            services.apply(manager, design.contract, proposal, preview.basis, reason="again")

    def test_contract_start_change_is_previewed(self, manager):
        template = MilestoneTemplate.objects.get(builtin_key="standard-delivery")
        contract = contracts.create_contract(
            manager,
            {"number": "W-1", "title": "W", "start_on": date(2027, 1, 4)},
            template_id=template.pk,
        )
        preview = services.preview(manager, contract, {"contract": {"start_on": date(2027, 1, 11)}})
        assert len(preview.moves) == 6
        assert len(preview.payments) == 0  # no contract value, so no payment amounts


def test_standard_template_on_a_friday_before_a_holiday_gives_a_planners_dates(manager):
    """Contract starts Friday 23 Dec 2027 in England: Christmas (Sat) is observed Mon 27,
    Boxing Day Tue 28, New Year's Day (Sat) on Mon 3 Jan."""
    template = MilestoneTemplate.objects.get(builtin_key="standard-delivery")
    contract = contracts.create_contract(
        manager,
        {
            "number": "UK-1",
            "title": "UK",
            "start_on": date(2027, 12, 24),
            "calendar_country": "GB",
            "calendar_subdivision": "ENG",
        },
        template_id=template.pk,
    )
    dates = list(contract.milestones.order_by("position").values_list("due_date", flat=True))
    # 5 working days after Fri 24 Dec: 29, 30, 31 Dec, 4, 5 Jan.
    assert dates[0] == date(2028, 1, 5)
    assert dates[1] == date(2028, 1, 26)  # + 15 working days
    first = contract.milestones.order_by("position").first()
    assert "holiday" in first.due_date_trace


class TestSeries:
    def test_monthly_report_generates_a_window_and_extends_once(
        self, manager, contract, frozen_today
    ):
        series = services.create_series(
            manager,
            contract,
            {
                "title": "Monthly report",
                "rrule": "FREQ=MONTHLY;BYMONTHDAY=-1",
                "starts_on": date(2027, 1, 1),
                "roll": "preceding",
                "window_days": 90,
            },
        )
        due = list(series.items.order_by("occurrence_date").values_list("due_date", flat=True))
        assert due == [date(2027, 1, 29), date(2027, 2, 26), date(2027, 3, 31), date(2027, 4, 30)]
        assert services.extend_all(today=date(2027, 2, 1)) == 0
        assert services.extend_all(today=date(2027, 6, 1)) == 3  # May, June, July (to 30 Aug)
        assert services.extend_all(today=date(2027, 6, 1)) == 0

    def test_edit_this_one_or_this_and_following(self, manager, contract, frozen_today):
        series = services.create_series(
            manager,
            contract,
            {
                "title": "Quarterly payment",
                "rrule": "FREQ=MONTHLY;INTERVAL=3",
                "starts_on": date(2027, 1, 15),
                "payment_amount": "1000",
                "window_days": 365,
            },
        )
        items = list(series.items.order_by("occurrence_date"))
        assert len(items) == 4
        one = services.edit_occurrence(manager, items[0], {"title": "Q1 payment"}, "this", None)
        assert one.detached and one.title == "Q1 payment"
        services.edit_occurrence(manager, items[2], {"payment_amount": "1500"}, "following", None)
        amounts = list(
            Milestone.objects.filter(contract=contract)
            .order_by("due_date")
            .values_list("payment_amount", flat=True)
        )
        assert [str(a) for a in amounts] == ["1000.00", "1000.00", "1500.00", "1500.00"]

    def test_bad_rules_are_named(self, manager, contract):
        with pytest.raises(ValidationFailed) as err:
            services.create_series(manager, contract, {"title": "X", "rrule": "FREQ=SOMETIMES"})
        assert "rrule" in err.value.errors


def test_imported_closure_days_move_working_day_dates(world, owner, manager, contract):
    from pactline.transfer.closures import import_closures

    m = make(
        manager,
        contract,
        "Kick-off",
        due_anchor="contract_start",
        due_offset=3,
        due_unit="working_days",
    )
    assert reload(m).due_date == date(2027, 1, 7)  # Mon 4 Jan + 3 working days
    ics = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:test\r\nBEGIN:VEVENT\r\nUID:1\r\n"
        b"DTSTART;VALUE=DATE:20270105\r\nDTEND;VALUE=DATE:20270106\r\n"
        b"SUMMARY:Offsite\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    result = import_closures(owner, ics)
    assert (result.added, result.moved) == (1, 1)
    m = reload(m)
    assert m.due_date == date(2027, 1, 8)
    assert "2027-01-05 (closure: Offsite)" in m.due_date_trace
    assert "closure days imported" in Event.objects.get(subject_id=m.pk, verb="rescheduled").summary


class TestGuards:
    """Checks the API and pages rely on: reasons, roles, members, versions."""

    def test_a_date_set_by_hand_at_creation_needs_a_reason(self, manager, contract):
        with pytest.raises(ValidationFailed) as err:
            make(manager, contract, "Audit", due_override=date(2027, 5, 5))
        assert list(err.value.errors) == ["reason"]
        m = services.create_milestone(
            manager,
            contract,
            {"title": "Audit", "due_override": date(2027, 5, 5)},
            reason="agreed by phone",
        )
        assert (m.due_date, m.due_override_reason) == (date(2027, 5, 5), "agreed by phone")

    def test_only_managers_preview(self, member, manager, chain):
        from pactline.errors import Forbidden

        with pytest.raises(Forbidden):
            services.preview(member, chain[0].contract, {"contract": {}})

    def test_series_people_are_members(self, manager, contract, world):
        with pytest.raises(ValidationFailed) as err:
            services.create_series(
                manager,
                contract,
                {"title": "X", "rrule": "FREQ=MONTHLY", "owner_id": world.outsider.pk},
            )
        assert err.value.errors == {"owner_id": ["is not a member of this organisation"]}

    def test_following_checks_the_occurrence_version(self, manager, contract, frozen_today):
        series = services.create_series(
            manager, contract, {"title": "R", "rrule": "FREQ=MONTHLY", "window_days": 90}
        )
        first = series.items.order_by("occurrence_date").first()
        with pytest.raises(Conflict):
            services.edit_occurrence(manager, first, {"title": "S"}, "following", 5)

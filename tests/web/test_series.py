"""Recurring obligations on the contract page, and editing an occurrence: "This one only" or
"This and all following"."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from pactline.milestones import services
from pactline.milestones.models import Milestone, MilestoneSeries
from tests.web.conftest import text
from tests.web.test_milestones import milestone_form

pytestmark = pytest.mark.django_db


def series_form(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "title": "Monthly report",
        "kind": "report",
        "owner": "",
        "preset": "monthly_last_day",
        "rrule": "",
        "starts_on": "2027-01-01",
        "ends_on": "2027-12-31",
        "period_end": "none",
        "roll": "preceding",
        "payment_amount": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def monthly(frozen_today, manager, contract, world) -> MilestoneSeries:
    return services.create_series(
        manager,
        contract,
        {
            "title": "Monthly report",
            "rrule": "FREQ=MONTHLY;BYMONTHDAY=-1",
            "starts_on": dt.date(2027, 1, 1),
            "owner_id": world.user("member").pk,
            "payment_amount": "250",
            "window_days": 90,
        },
    )


def occurrences(series: MilestoneSeries) -> list[Milestone]:
    return list(Milestone.objects.filter(series=series).order_by("occurrence_date"))


def test_contract_page_offers_the_form_to_managers(login, contract):
    body = text(login("manager").get(reverse("contract-detail", args=[contract.pk])))
    assert "Recurring obligations" in body and "Add recurring obligation" in body
    for preset in ("Monthly, on the last day", "Quarterly", "Yearly", "Weekly", "Custom rule"):
        assert preset in body, preset
    assert 'value="2027-12-31"' in body  # ends with the contract by default
    viewer = text(login("viewer").get(reverse("contract-detail", args=[contract.pk])))
    assert "Recurring obligations" in viewer and 'name="preset"' not in viewer


def test_add_a_monthly_report_from_a_preset(frozen_today, login, contract):
    client = login("manager")
    response = client.post(reverse("series-create", args=[contract.pk]), series_form())
    assert response.status_code == 302, text(response)
    assert response["Location"].endswith("#series")
    series = MilestoneSeries.objects.get()
    assert series.rrule == "FREQ=MONTHLY;BYMONTHDAY=-1"
    due = [m.due_date for m in occurrences(series)]
    assert due[:3] == [dt.date(2027, 1, 29), dt.date(2027, 2, 26), dt.date(2027, 3, 31)]
    body = text(client.get(response["Location"]))
    assert "Monthly report (2027-01-31)" in body  # occurrences are milestones of the contract
    assert "Monthly, on the last day" in body


def test_custom_rule_is_required_and_checked(login, contract):
    client = login("manager")
    target = reverse("series-create", args=[contract.pk])
    response = client.post(target, series_form(preset="custom"))
    assert response.status_code == 422
    body = text(response)
    assert "Enter a rule" in body[body.index('id="series_rrule_error"') :][:300]
    response = client.post(target, series_form(preset="custom", rrule="FREQ=FORTNIGHTLY"))
    assert response.status_code == 422
    body = text(response)
    assert "Not an RFC 5545 recurrence rule" in body[body.index('id="series_rrule_error"') :][:400]
    response = client.post(target, series_form(ends_on="2026-06-30"))
    assert response.status_code == 422
    assert 'id="series_ends_on_error"' in text(response)
    assert not MilestoneSeries.objects.exists()


def test_custom_rule_is_used(frozen_today, login, contract):
    response = login("manager").post(
        reverse("series-create", args=[contract.pk]),
        series_form(preset="custom", rrule="FREQ=MONTHLY;BYDAY=1MO", roll="none"),
    )
    assert response.status_code == 302
    first = occurrences(MilestoneSeries.objects.get())[0]
    assert first.due_date == dt.date(2027, 1, 4)  # the first Monday


@pytest.mark.parametrize("role", ["member", "viewer"])
def test_only_managers_add_recurring_obligations(login, contract, role):
    client = login(role)
    assert client.get(reverse("series-create", args=[contract.pk])).status_code == 403
    response = client.post(reverse("series-create", args=[contract.pk]), series_form())
    assert response.status_code == 403


def test_editing_an_occurrence_asks_this_one_or_following(login, monthly):
    first = occurrences(monthly)[0]
    body = text(login("member").get(reverse("milestone-edit", args=[first.pk])))
    assert "This one only" in body and "This and all following" in body
    assert "occurrence of <strong>Monthly report</strong>" in body


def test_this_one_only_detaches_it(login, monthly):
    first = occurrences(monthly)[0]
    response = login("member").post(
        reverse("milestone-edit", args=[first.pk]),
        milestone_form(first, title="January report", scope="this"),
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert (first.title, first.detached) == ("January report", True)
    assert not any(m.detached for m in occurrences(monthly)[1:])


def test_this_and_following_changes_the_rest_of_the_series(login, monthly):
    third = occurrences(monthly)[2]
    response = login("manager").post(
        reverse("milestone-edit", args=[third.pk]),
        milestone_form(
            third,
            title="Monthly status report (2027-03-31)",
            payment_amount="300",
            scope="following",
            reason="new rate",
        ),
    )
    assert response.status_code == 302, text(response)
    new = MilestoneSeries.objects.order_by("pk").last()
    assert (new.title, str(new.payment_amount)) == ("Monthly status report", "300.00")
    titles = list(Milestone.objects.order_by("occurrence_date").values_list("title", flat=True))
    assert titles == [
        "Monthly report (2027-01-31)",
        "Monthly report (2027-02-28)",
        "Monthly status report (2027-03-31)",
        "Monthly status report (2027-04-30)",
    ]


def test_a_new_date_cannot_apply_to_the_following(login, monthly):
    third = occurrences(monthly)[2]
    response = login("manager").post(
        reverse("milestone-edit", args=[third.pk]),
        milestone_form(third, due_date="2027-04-02", scope="following", reason="later"),
    )
    assert response.status_code == 422
    body = text(response)
    assert "choose “This one only”" in body[body.index('id="id_scope_error"') :][:400]
    assert MilestoneSeries.objects.count() == 1


def test_members_may_not_change_the_following(login, monthly):
    first = occurrences(monthly)[0]
    response = login("member").post(
        reverse("milestone-edit", args=[first.pk]),
        milestone_form(first, title="Mine", scope="following"),
    )
    assert response.status_code == 403
    assert MilestoneSeries.objects.count() == 1


def test_milestone_page_names_its_series(login, monthly):
    first = occurrences(monthly)[0]
    body = text(login("viewer").get(reverse("milestone-detail", args=[first.pk])))
    assert "Occurrence of 31 Jan 2027 of Monthly report (Monthly, on the last day)" in body


def test_occurrences_get_their_types_checklist_and_reminders(frozen_today, manager, contract):
    from pactline.milestones.models import ChecklistItem, MilestoneType
    from pactline.notifications.models import ReminderPolicy

    MilestoneType.objects.filter(organisation=contract.organisation, key="report").update(
        default_checklist=["Draft", "Send"],
        default_reminders={"days_before": [5, 1], "on_due_date": False},
    )
    series = services.create_series(
        manager,
        contract,
        {"title": "Report", "rrule": "FREQ=MONTHLY;BYMONTHDAY=-1", "window_days": 90},
    )
    made = occurrences(series)
    assert len(made) >= 2
    for m in made:
        titles = list(m.checklist.order_by("position").values_list("title", flat=True))
        assert titles == ["Draft", "Send"]
        policy = ReminderPolicy.objects.get(milestone=m)
        assert (policy.days_before, policy.on_due_date) == ([5, 1], False)
    # The periodic extension gives later occurrences the same.
    assert services.extend_all(dt.date(2027, 6, 1)) > 0
    later = occurrences(series)[len(made) :]
    assert later and all(ReminderPolicy.objects.filter(milestone=m).exists() for m in later)
    assert ChecklistItem.objects.filter(milestone__in=later).count() == 2 * len(later)


def test_this_and_following_carries_custom_fields(login, monthly, world):
    from pactline.customfields import services as custom

    custom.create_field(
        world.actor("owner"),
        {
            "object_type": "milestone",
            "key": "cost_centre",
            "label": "Cost centre",
            "field_type": "text",
        },
    )
    third = occurrences(monthly)[2]
    response = login("manager").post(
        reverse("milestone-edit", args=[third.pk]),
        milestone_form(third, cf_cost_centre="CC-42", scope="following", reason="new centre"),
    )
    assert response.status_code == 302, text(response)
    new = MilestoneSeries.objects.order_by("pk").last()
    assert new.custom_fields == {"cost_centre": "CC-42"}
    values = [m.custom_fields for m in occurrences(monthly)] + [
        m.custom_fields for m in occurrences(new)
    ]
    assert values == [{}, {}, {"cost_centre": "CC-42"}, {"cost_centre": "CC-42"}]
    # Later generated occurrences of the new series carry them too.
    services.extend_all(dt.date(2027, 9, 1))
    assert all(m.custom_fields == {"cost_centre": "CC-42"} for m in occurrences(new))
    # Through the API as well, validated like a milestone's.
    from tests.api.conftest import ApiClient, make_token, url

    api = ApiClient(make_token(world.user("manager"), world.acme))
    fourth = occurrences(new)[1]
    bad = api.patch(
        url("milestone-occurrence-update", milestone_id=fourth.pk),
        {"scope": "following", "custom_fields": {"nope": 1}, "version": fourth.version},
    )
    assert bad.status_code == 422 and "custom_fields.nope" in bad.content.decode()

"""The deadline engine in a real browser: preview a new date's effect, apply it; the new
pages stay free of serious accessibility problems."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect

from pactline.milestones import services
from pactline.milestones.models import Milestone
from tests.browser.conftest import axe_violations, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def chain(world, contract) -> list[Milestone]:
    """Design (fixed 1 March) -> Build (10 working days after) -> Test (5 after, pays 5000)."""
    manager = world.actor("manager")
    design = services.create_milestone(
        manager, contract, {"title": "Design", "due_date": dt.date(2027, 3, 1)}
    )
    build = services.create_milestone(
        manager,
        contract,
        {
            "title": "Build",
            "due_anchor": "milestone",
            "anchor_milestone_id": design.pk,
            "due_offset": 10,
            "due_unit": "working_days",
        },
    )
    test = services.create_milestone(
        manager,
        contract,
        {
            "title": "Test",
            "due_anchor": "milestone_done",
            "anchor_milestone_id": build.pk,
            "due_offset": 5,
            "due_unit": "working_days",
            "payment_amount": "5000",
        },
    )
    services.add_dependency(manager, test, design.pk, lag=2)
    return [design, build, test]


def test_manager_previews_a_new_date_and_applies_it(page: Page, world, chain):
    design = chain[0]
    sign_in(page, "maria@acme.test")
    page.goto(f"/milestones/{design.pk}/edit/")
    page.get_by_label("Fixed due date").fill("2027-03-05")
    page.get_by_label("Reason for the change").fill("Specification arrived late")
    page.get_by_role("button", name="Preview the effect").click()

    moves = page.locator("#what-if table").first
    expect(moves.locator("caption")).to_contain_text("Milestones whose dates would move (3)")
    build_row = moves.get_by_role("row", name=re.compile(r"^Build "))
    expect(build_row).to_contain_text("15 Mar 2027")
    expect(build_row).to_contain_text("19 Mar 2027")
    expect(moves.get_by_role("row", name=re.compile(r"^Test "))).to_contain_text("26 Mar 2027")
    expect(page.locator("#what-if")).to_contain_text("Payments whose dates would move (1)")
    assert Milestone.objects.get(pk=design.pk).due_date == dt.date(2027, 3, 1)  # not saved yet
    assert axe_violations(page) == []

    page.locator("#what-if").get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(rf"/milestones/{design.pk}/$"))
    expect(page.locator("#messages")).to_contain_text("Change applied: 3 milestone dates moved.")
    assert dict(Milestone.objects.values_list("title", "due_date")) == {
        "Design": dt.date(2027, 3, 5),
        "Build": dt.date(2027, 3, 19),
        "Test": dt.date(2027, 3, 26),
    }
    expect(page.locator("#history-heading + *")).to_contain_text("Specification arrived late")


def test_a_change_made_meanwhile_is_caught(page: Page, world, chain):
    design = chain[0]
    sign_in(page, "maria@acme.test")
    page.goto(f"/milestones/{design.pk}/edit/")
    page.get_by_label("Fixed due date").fill("2027-03-05")
    page.get_by_label("Reason for the change").fill("Late")
    page.get_by_role("button", name="Preview the effect").click()
    expect(page.locator("#what-if table").first).to_be_visible()
    services.update_milestone(world.actor("owner"), chain[2], {"payment_amount": "6000"}, None)
    page.locator("#what-if").get_by_role("button", name="Apply").click()
    expect(page.get_by_role("alert").first).to_contain_text("nothing was applied")
    assert Milestone.objects.get(pk=design.pk).due_date == dt.date(2027, 3, 1)
    page.get_by_role("button", name="Apply").click()  # the preview, again, as things stand
    expect(page.locator("#messages")).to_contain_text("Change applied")
    assert Milestone.objects.get(pk=design.pk).due_date == dt.date(2027, 3, 5)


@pytest.mark.parametrize(
    "path",
    [
        "/milestones/{test}/",
        "/milestones/{occurrence}/edit/",
        "/contracts/{contract}/",
        "/contracts/{contract}/series/new/",
        "/templates/{template}/edit/",
    ],
)
def test_schedule_pages_have_no_serious_accessibility_violations(
    page: Page, world, contract, chain, path
):
    manager = world.actor("manager")
    series = services.create_series(
        manager, contract, {"title": "Monthly report", "rrule": "FREQ=MONTHLY", "window_days": 900}
    )
    template = services.create_template(
        manager,
        "Chained",
        "",
        [
            {"title": "Design", "offset": 5},
            {"title": "Build", "anchor": "milestone_done", "anchor_item": 0, "roll": "following"},
        ],
    )
    ids = {
        "test": chain[2].pk,
        "occurrence": series.items.first().pk,
        "contract": contract.pk,
        "template": template.pk,
    }
    sign_in(page, "maria@acme.test")
    page.goto(path.format(**ids))
    if path == "/contracts/{contract}/":
        page.locator("summary", has_text="Add recurring obligation").click()  # open the form
    assert axe_violations(page) == []

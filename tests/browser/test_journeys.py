"""What a contract manager does in a real browser: sign in, set up a contract, finish work."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from pactline.contracts.models import Contract
from pactline.milestones.models import Milestone
from tests.browser.conftest import axe_violations, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_wrong_password_is_refused_and_right_one_signs_in(page: Page, world):
    sign_in(page, "maria@acme.test", "wrong-password")
    expect(page.get_by_role("alert")).to_contain_text("correct")
    sign_in(page, "maria@acme.test")
    expect(page).to_have_url(re.compile(r"/contracts/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Contracts")


def test_manager_creates_a_contract_from_the_standard_template(page: Page, world):
    sign_in(page, "maria@acme.test")
    page.goto("/contracts/new/")
    page.get_by_label("Contract number").fill("ACME-100")
    page.get_by_label("Title").fill("Customer portal")
    page.get_by_label("Contract value").fill("120000")
    page.get_by_label("Start date").fill("2027-01-04")
    page.get_by_label("Milestone template").select_option(label="Standard delivery project")
    page.get_by_role("button", name="Create contract").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Customer portal")
    rows = page.locator("#milestones table tbody tr")
    expect(rows).to_have_count(6)
    expect(rows.first).to_contain_text("Project initiation")
    expect(rows.first).to_contain_text("11 Jan 2027")
    expect(page.locator(".timeline svg")).to_be_visible()
    expect(page.locator(".timeline svg")).to_contain_text("Project initiation")
    contract = Contract.objects.get(number="ACME-100")
    assert contract.milestones.count() == 6
    assert axe_violations(page) == []


def test_owner_of_a_milestone_ticks_its_checklist_and_completes_it(page: Page, world, contract):
    from pactline.milestones import services

    m = services.create_milestone(
        world.actor("manager"),
        contract,
        {"title": "Design approval", "owner_id": world.user("member").pk, "checklist": ["Spec"]},
    )
    sign_in(page, "mike@acme.test")
    page.goto(f"/milestones/{m.pk}/")
    page.get_by_role("button", name="Done: Spec").click()
    expect(page.get_by_text("1 of 1 done")).to_be_visible()
    expect(page.get_by_role("button", name="Done: Spec")).to_have_attribute("aria-pressed", "true")
    page.get_by_role("button", name="Start work").click()
    expect(page.locator(".status-panel")).to_contain_text("In progress")
    page.get_by_role("button", name="Mark done").click()
    expect(page.locator(".status-panel")).to_contain_text("Done")
    m.refresh_from_db()
    assert m.status == "done" and m.completed_on is not None
    assert m.checklist.get().done
    expect(page.locator("#history-heading + *")).to_contain_text("done")


def test_viewer_sees_no_edit_buttons(page: Page, world, contract):
    sign_in(page, "vera@acme.test")
    page.goto(f"/contracts/{contract.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(contract.title)
    expect(page.get_by_role("link", name="Edit contract")).to_have_count(0)
    expect(page.get_by_role("link", name="Add milestone")).to_have_count(0)


@pytest.mark.parametrize(
    "path",
    [
        "/contracts/",
        "/contracts/new/",
        "/contracts/{contract}/",
        "/contracts/{contract}/edit/",
        "/milestones/{milestone}/",
        "/milestones/{milestone}/edit/",
        "/parties/",
        "/parties/new/",
        "/templates/",
        "/templates/{template}/",
    ],
)
def test_main_pages_have_no_serious_accessibility_violations(page: Page, world, contract, path):
    from pactline.milestones.models import MilestoneTemplate
    from pactline.milestones.services import apply_template

    template = MilestoneTemplate.objects.get(builtin_key="standard-delivery")
    apply_template(world.actor("manager"), contract, template.pk)
    milestone = Milestone.objects.filter(contract=contract).first()
    sign_in(page, "maria@acme.test")
    page.goto(path.format(contract=contract.pk, milestone=milestone.pk, template=template.pk))
    assert axe_violations(page) == []


def test_sign_in_page_is_accessible(page: Page, world):
    page.goto("/login/")
    assert axe_violations(page) == []


def test_contract_page_fits_a_phone_screen(phone: Page, world, contract):
    from pactline.milestones.models import MilestoneTemplate
    from pactline.milestones.services import apply_template

    template = MilestoneTemplate.objects.get(builtin_key="standard-delivery")
    apply_template(world.actor("manager"), contract, template.pk)
    sign_in(phone, "maria@acme.test")
    for path in ("/contracts/", f"/contracts/{contract.pk}/"):
        phone.goto(path)
        overflow = phone.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px"


def test_keyboard_reaches_the_main_content_first(page: Page, world):
    sign_in(page, "maria@acme.test")
    page.goto("/contracts/")
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.textContent.trim()")
    assert "skip" in focused.lower()

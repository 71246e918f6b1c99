"""The template editor in a real browser: three items (one following another), reordered,
dates previewed for a start date without saving, saved, then a contract made from it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from pactline.milestones.models import MilestoneTemplate
from tests.browser.conftest import axe_violations, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_manager_builds_previews_and_uses_a_template(page: Page, world) -> None:
    sign_in(page, "maria@acme.test")
    page.goto("/templates/new/")
    page.get_by_label("Name").fill("Fit-out")
    # Typed in a different order, then put right with "Move up".
    page.locator('[name="items-0-title"]').fill("Kick-off")
    page.locator('[name="items-1-title"]').fill("Handover")
    page.locator('[name="items-1-anchor"]').select_option("contract_start")
    page.locator('[name="items-1-offset"]').fill("1")
    page.locator('[name="items-1-unit"]').select_option("months")
    page.locator('[name="items-2-title"]').fill("Design sign-off")
    page.locator('[name="items-2-anchor"]').select_option("milestone")
    page.locator('[name="items-2-anchor_item"]').select_option("1")  # after Kick-off
    page.locator('[name="items-2-offset"]').fill("10")
    page.locator('[name="items-2-payment_share"]').fill("30")
    page.get_by_role("button", name="Move up item 3").click()
    expect(page.locator("#item-2 legend")).to_have_text("2. Design sign-off")
    expect(page.locator('[name="items-1-anchor_item"]')).to_have_value("1")

    page.get_by_label("Contract start").fill("2027-03-01")
    page.get_by_role("button", name="Preview dates").click()
    rows = page.locator("#preview-results tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("Kick-off")
    expect(rows.nth(0).locator("td.date")).to_have_attribute("data-date", "2027-03-01")
    expect(rows.nth(1)).to_contain_text("Design sign-off")
    expect(rows.nth(1).locator("td.date")).to_have_attribute("data-date", "2027-03-15")
    expect(rows.nth(2).locator("td.date")).to_have_attribute("data-date", "2027-04-01")
    assert not MilestoneTemplate.objects.filter(name="Fit-out").exists()  # nothing saved
    assert axe_violations(page) == []

    page.get_by_role("button", name="Create template").click()
    expect(page).to_have_url(re.compile(r"/templates/\d+/$"))
    items = page.locator("section[aria-labelledby=items-heading] tbody tr")
    expect(items).to_have_count(3)
    expect(items.nth(1)).to_contain_text("10 working days after Kick-off")

    page.goto("/contracts/new/")
    page.get_by_label("Contract number").fill("FIT-1")
    page.get_by_label("Title").fill("Office fit-out")
    page.get_by_label("Start date").fill("2027-03-01")
    page.get_by_label("Milestone template").select_option(label="Fit-out")
    page.get_by_role("button", name="Create contract").click()
    milestones = page.locator("#milestones table tbody tr")
    expect(milestones).to_have_count(3)
    expect(milestones.nth(0)).to_contain_text("1 Mar 2027")
    expect(milestones.nth(1)).to_contain_text("Design sign-off")
    expect(milestones.nth(1)).to_contain_text("15 Mar 2027")
    expect(milestones.nth(2)).to_contain_text("1 Apr 2027")

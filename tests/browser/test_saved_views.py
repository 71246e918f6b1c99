"""Saved views in a real browser: pick columns on the contract list, save them as a view that
opens the list by default, reload and find it; the page has no serious accessibility problem."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from pactline.savedviews.models import SavedView
from tests.browser.conftest import axe_violations, sign_in
from tests.factories import ContractFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_pick_columns_save_a_view_reload_and_see_it(page: Page, world) -> None:
    ContractFactory(organisation=world.acme, number="SV-1", title="Fleet leasing", status="active")
    ContractFactory(organisation=world.acme, number="SV-2", title="Canteen", status="draft")
    sign_in(page, world.user("manager").email)
    page.goto("/contracts/")
    table = page.locator("#contract-results table")
    expect(table.locator("th[data-column='parties']")).to_be_visible()

    # choose the columns: drop Parties and Owner, add End
    page.get_by_text("Columns", exact=True).click()
    picker = page.locator(".column-form")
    picker.get_by_role("checkbox", name="Parties", exact=True).uncheck()
    picker.get_by_role("checkbox", name="Owner", exact=True).uncheck()
    picker.get_by_role("checkbox", name="End", exact=True).check()
    picker.get_by_role("button", name="Show columns").click()
    page.wait_for_load_state("networkidle")
    expect(table.locator("th[data-column='parties']")).to_have_count(0)
    expect(table.locator("th[data-column='end_on']")).to_be_visible()
    # move End to the front with the arrows (no JavaScript needed)
    for _ in range(6):
        page.get_by_text("Columns", exact=True).click()
        page.get_by_role("link", name="Move End left").click()
        page.wait_for_load_state("networkidle")
    assert table.locator("th").first.get_attribute("data-column") == "end_on"
    assert "cols=end_on" in page.url

    # filter to active contracts, then save as a shared default view
    page.locator("#id_status").select_option("active")  # htmx swaps the results
    expect(table.locator("tbody tr")).to_have_count(1)
    page.get_by_text("Save view", exact=True).click()
    page.get_by_label("Name of the view").fill("Active fleet")
    page.get_by_label("Share with the organisation").check()
    page.get_by_label("Open the list with it").check()
    page.get_by_role("button", name="Save as new view").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_text("View “Active fleet” saved.")).to_be_visible()
    view = SavedView.objects.get(name="Active fleet")
    assert view.shared and view.params["status"] == ["active"]
    assert view.columns[0] == "end_on" and "parties" not in view.columns

    # reload the plain list: the default view opens, with its columns and filter
    page.goto("/contracts/")
    page.wait_for_load_state("networkidle")
    assert f"view={view.pk}" in page.url
    expect(page.locator(".view-menu summary")).to_contain_text("Active fleet")
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table).to_contain_text("SV-1")
    expect(table.locator("th[data-column='parties']")).to_have_count(0)
    assert axe_violations(page) == []

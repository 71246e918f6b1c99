"""Custom fields in a real browser: an admin defines a field, a manager fills it on a
contract and shows it as a column of the contract list."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from pactline.contracts.models import Contract
from pactline.customfields.models import CustomField
from tests.browser.conftest import axe_violations, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_admin_defines_a_field_and_a_manager_uses_it(page: Page, world, contract) -> None:
    sign_in(page, "adam@acme.test")
    page.goto("/settings/custom-fields/")
    page.get_by_role("link", name="New custom field").click()
    page.get_by_label("Applies to").select_option("contract")
    page.get_by_label("Type").select_option("text")
    page.get_by_label("Label").fill("Cost centre")
    page.get_by_label("Key").fill("cost_centre")
    page.get_by_label("Pattern").fill(r"CC-\d+")
    page.get_by_role("button", name="Add field").click()
    expect(page.locator("#contract-fields")).to_contain_text("cost_centre")
    assert axe_violations(page) == []
    assert CustomField.objects.filter(key="cost_centre").exists()

    page.context.clear_cookies()
    sign_in(page, "maria@acme.test")
    page.goto(f"/contracts/{contract.pk}/edit/")
    page.get_by_label("Cost centre").fill("nope")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator("#id_cf_cost_centre_error")).to_contain_text("Does not match")
    page.get_by_label("Cost centre").fill("CC-42")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator("dd[data-cf=cost_centre]")).to_have_text("CC-42")
    assert Contract.objects.get(pk=contract.pk).custom_fields == {"cost_centre": "CC-42"}

    page.goto("/contracts/")
    page.locator("details.column-picker summary").click()
    page.get_by_label("Cost centre").check()
    page.get_by_role("button", name="Show columns").click()
    table = page.locator("table").first
    expect(table.locator("thead")).to_contain_text("Cost centre")
    expect(table.locator("tbody")).to_contain_text("CC-42")
    page.goto("/contracts/?cf_cost_centre=CC-4")  # filtering by the field keeps the row
    expect(page.locator("table").first.locator("tbody")).to_contain_text(contract.number)

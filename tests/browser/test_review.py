"""Key dates from the contract text in a real browser: upload, see the quotes, accept one."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from pactline.contracts.models import Contract
from tests.browser.conftest import axe_violations, sign_in
from tests.review.helpers import CONTRACT_TEXT

pytestmark = pytest.mark.django_db(transaction=True)


def test_manager_uploads_a_contract_and_accepts_its_effective_date(page: Page, world, contract):
    sign_in(page, "maria@acme.test")
    page.goto(f"/contracts/{contract.pk}/")
    page.get_by_role("link", name="Find key dates in the contract text").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Find key dates in the contract text")
    assert axe_violations(page) == []

    page.get_by_label("Contract file").set_input_files(
        files=[{"name": "supply.txt", "mimeType": "text/plain", "buffer": CONTRACT_TEXT.encode()}]
    )
    page.get_by_role("button", name="Read the contract").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Key dates in supply.txt")
    text = page.get_by_role("region", name="Contract text")
    expect(text.locator("mark").first).to_have_text("May 8, 2014")
    expect(text.locator("mark", has_text="five (5) years")).to_be_visible()
    expect(page.get_by_text("expiration = effective date 2014-05-08 + 5 years")).to_be_visible()
    assert axe_violations(page) == []

    page.get_by_role("button", name="Accept Effective date 2014-05-08").click()
    expect(page.get_by_text("Effective date: Start date set to 2014-05-08.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/key-dates/\d+/#proposal-\d+$"))
    assert axe_violations(page) == []

    page.get_by_role("link", name=f"Back to {contract.number}").click()
    start = page.locator(".facts div", has=page.get_by_text("Start", exact=True))
    expect(start.locator("dd")).to_have_text("8 May 2014")
    assert str(Contract.objects.get(pk=contract.pk).start_on) == "2014-05-08"

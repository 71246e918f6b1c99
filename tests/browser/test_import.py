"""Import a spreadsheet through the page in a real browser: upload, preview, commit."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from pactline.contracts.models import Contract
from pactline.milestones.models import Milestone
from tests.browser.conftest import axe_violations, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

CSV = (
    b"Contract number,Contract title,Vendor,Milestone,Due date,Owner,Amount\r\n"
    b'C-100,Data centre move,Globex,Kick-off,2027-03-01,maria@acme.test,"1,000.00"\r\n'
    b'C-100,Data centre move,Globex,Go-live,2027-06-30,mike@acme.test,"4,000.00"\r\n'
)


def choose_file(page: Page, data: bytes, name: str = "q1.csv") -> None:
    page.get_by_label("Spreadsheet or project plan").set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": data}]
    )


def test_manager_imports_a_csv_and_sees_preview_and_result(page: Page, world):
    sign_in(page, "maria@acme.test")
    page.get_by_role("link", name="Import", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import your spreadsheet")
    assert axe_violations(page) == []

    choose_file(page, CSV)
    page.get_by_role("button", name="Upload and preview").click()
    expect(page).to_have_url(re.compile(r"/import/[A-Za-z0-9_-]{22}/$"))
    expect(page.get_by_role("heading", name="What the import would do")).to_be_visible()
    counts = page.locator("table").first
    expect(counts.get_by_role("row", name=re.compile("^Contracts"))).to_contain_text("1")
    expect(counts.get_by_role("row", name=re.compile("^Milestones"))).to_contain_text("2")
    expect(page.get_by_text("New parties: Globex.")).to_be_visible()
    expect(page.get_by_label("Due date", exact=True)).to_have_value("due_date")
    assert not Contract.objects.exists()
    assert axe_violations(page) == []

    page.get_by_role("button", name="Commit the import").click()
    expect(page.get_by_role("heading", name="Imported")).to_be_visible()
    expect(page.get_by_text("q1.csv was imported.")).to_be_visible()
    assert Contract.objects.get().title == "Data centre move"
    assert Milestone.objects.count() == 2
    assert axe_violations(page) == []

    page.get_by_role("link", name="See the contracts").click()
    expect(page.get_by_role("link", name="C-100")).to_be_visible()


def test_problems_are_shown_and_a_corrected_option_reads_the_file_again(page: Page, world):
    ambiguous = (
        b"Contract number,Contract title,Milestone,Due date\r\nC-1,Fit-out,Handover,03/04/2027\r\n"
    )
    sign_in(page, "maria@acme.test")
    page.goto("/import/")
    choose_file(page, ambiguous, "fitout.csv")
    page.get_by_role("button", name="Upload and preview").click()
    problems = page.locator("table.problems-table")
    expect(problems).to_contain_text("03/04/2027")
    expect(problems).to_contain_text("choose the date order")
    expect(page.get_by_role("button", name="Commit the import")).to_have_count(0)
    assert axe_violations(page) == []

    page.get_by_label("Dates like 03/04/2027").select_option("dmy")
    page.get_by_role("button", name="Read the file again").click()
    expect(page.get_by_text("day first (31/12/2027)")).to_be_visible()
    page.get_by_role("button", name="Commit the import").click()
    expect(page.get_by_role("heading", name="Imported")).to_be_visible()
    assert str(Milestone.objects.get().due_date) == "2027-04-03"


def test_feed_and_closure_pages_are_accessible(page: Page, world, contract):
    sign_in(page, "adam@acme.test")
    page.goto(f"/contracts/{contract.pk}/")
    page.get_by_role("link", name="Subscribe in your calendar").click()
    expect(page.get_by_label("Contract (for one contract's milestones)")).to_have_value(
        str(contract.pk)
    )
    page.get_by_role("button", name="Create feed").click()
    expect(page.get_by_label(re.compile("^Feed address"))).to_have_value(re.compile(r"\.ics$"))
    assert axe_violations(page) == []

    page.get_by_role("link", name="Closure days").click()
    page.get_by_label("Date").fill("2027-12-24")
    page.get_by_label("Name").fill("Christmas Eve")
    page.get_by_role("button", name="Add closure day").click()
    expect(page.get_by_role("status").first).to_contain_text("24 Dec 2027 is now a closure day")
    expect(page.get_by_role("cell", name="Christmas Eve")).to_be_visible()
    assert axe_violations(page) == []

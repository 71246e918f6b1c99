"""In a real browser: a guest of the vendor sees only the milestones shared with them and
submits a deliverable; an approver rejects with a reason and accepts the resubmission; an open
contract page shows what someone else did without a reload."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from pactline.collab import services as collab
from pactline.milestones import services as milestone_services
from pactline.milestones.models import Milestone
from tests.browser.conftest import axe_violations, sign_in
from tests.factories import MilestoneFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def vendor_work(world, contract):
    contract.parties.add(world.guest_party)
    shared = MilestoneFactory(
        contract=contract,
        title="Design delivered",
        shared_with_guests=True,
        owner=world.user("member"),
        approver=world.user("manager"),
        status="in_progress",
        position=1,
    )
    internal = MilestoneFactory(contract=contract, title="Internal budget review", position=2)
    return shared, internal


def test_a_guest_sees_only_shared_milestones_and_submits(page: Page, world, vendor_work, tmp_path):
    shared, _internal = vendor_work
    sign_in(page, "gus@vendor.test")
    expect(page).to_have_url(re.compile(r"/contracts/$"))
    page.get_by_role("link", name="ACME-001").click()
    milestones = page.locator("#milestones")
    expect(milestones).to_contain_text("Design delivered")
    expect(milestones).not_to_contain_text("Internal budget review")
    expect(page.get_by_role("link", name="Edit contract")).to_have_count(0)
    expect(page.locator("#comments")).to_have_count(0)  # contract-level talk is internal
    milestones.get_by_role("link", name="Design delivered").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Design delivered")
    expect(page.locator("#dependencies")).to_have_count(0)
    report = tmp_path / "design.pdf"
    report.write_bytes(b"%PDF-1.7\n%%EOF\n")
    panel = page.locator("#acceptance")
    panel.get_by_label("Note").fill("Final design attached")
    panel.get_by_label("Deliverables").set_input_files(str(report))
    panel.get_by_role("button", name="Submit for acceptance").click()
    expect(page.locator("#messages")).to_contain_text("submitted for acceptance")
    expect(panel).to_contain_text("Final design attached")
    expect(panel.get_by_role("link", name="design.pdf")).to_be_visible()
    page.locator("#comments").get_by_label("Comment").fill("Ping @maria when reviewed")
    page.get_by_role("button", name="Add comment").click()
    expect(page.locator("#comment-list")).to_contain_text("Ping @maria when reviewed")
    assert axe_violations(page) == []
    page.goto(f"/milestones/{_internal.pk}/")
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Internal budget review")
    shared.refresh_from_db()
    assert shared.status == "submitted"


def test_an_approver_rejects_with_a_reason_and_accepts_the_resubmission(
    page: Page, world, vendor_work
):
    shared, _ = vendor_work
    milestone_services.transition(world.actor("member"), shared, "submitted", note="First go")
    sign_in(page, "maria@acme.test")
    page.goto(f"/milestones/{shared.pk}/")
    status = page.locator(".status-panel")
    status.get_by_role("button", name="Reject").click()
    expect(page.locator(".form-errors, .errorlist").first).to_be_visible()
    expect(page.get_by_text("A rejection needs a reason").first).to_be_visible()
    status.get_by_label("Note").fill("The contrast is too low")
    status.get_by_role("button", name="Reject").click()
    expect(status).to_contain_text("Rejected")
    shared.refresh_from_db()
    milestone_services.transition(world.actor("member"), shared, "submitted", note="Contrast fixed")
    page.reload()
    expect(page.locator("#acceptance")).to_contain_text("Reason: The contrast is too low")
    expect(page.locator("#acceptance")).to_contain_text("Contrast fixed")
    status.get_by_role("button", name="Accept").click()
    expect(status).to_contain_text("Accepted")
    exchange = page.locator("#acceptance .exchange li")
    expect(exchange).to_have_count(4)  # submitted, rejected, submitted, accepted
    expect(exchange.nth(3)).to_contain_text("Accepted by Maria")
    shared.refresh_from_db()
    assert shared.status == "accepted"


def test_an_open_contract_page_shows_changes_by_others(page: Page, world, vendor_work):
    shared, _ = vendor_work
    sign_in(page, "vera@acme.test")
    page.goto(f"/contracts/{shared.contract_id}/")
    expect(page.locator("#milestones")).to_contain_text("In progress")
    fresh = Milestone.objects.get(pk=shared.pk)
    milestone_services.transition(world.actor("member"), fresh, "submitted")
    collab.add_comment(world.actor("manager"), fresh.contract, "Budget approved")
    expect(page.locator("#milestones")).to_contain_text("Submitted", timeout=12_000)
    expect(page.locator("#comment-list")).to_contain_text("Budget approved", timeout=12_000)
    expect(page.locator("#live")).to_contain_text("Updated")

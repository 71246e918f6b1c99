"""The Content-Security-Policy in a real browser: the main pages (and an htmx swap) load with
no CSP violation, so no inline script, style attribute, injected <style> or eval slipped in.

Chromium reports each blocked thing twice: a console error ("Refused to apply inline style
...", "Refused to execute inline script ...", "Refused to evaluate a string ...") and a
`securitypolicyviolation` event, recorded here by an init script (which the CSP does not see).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from pactline.milestones import services
from tests.browser.conftest import sign_in
from tests.factories import ContractFactory, MilestoneFactory, PartyFactory

pytestmark = pytest.mark.django_db(transaction=True)

RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " +
                    (e.sample || ""));
});
"""

PAGES = [
    "home",
    "contract-list",
    "party-list",
    "template-list",
    "milestone-list",
    "analytics",
    "cash-flow",
    "portfolio-timeline",
    "calendar",
    "activity-feed",
    "audit-list",
    "import",
    "notification-inbox",
    "notification-preferences",
    "member-list",
    "token-list",
    "two-factor",
    "webhook-list",
    "webhook-create",
    "reminder-policy-org",
    "sent-mail-list",
    "feed-list",
    "closure-list",
    "report-subscriptions",
    "contract-create",
]


@pytest.fixture
def plan(world):
    today = dt.date.today()
    owner = world.user("owner")
    party = PartyFactory(organisation=world.acme, name="Initech")
    contract = ContractFactory(
        organisation=world.acme, number="CSP-1", title="Policy rollout", owner=owner
    )
    first = MilestoneFactory(
        contract=contract,
        title="Survey",
        status="in_progress",
        due_date=today - dt.timedelta(days=5),
        baseline_due_date=today - dt.timedelta(days=9),
        owner=owner,
    )
    second = MilestoneFactory(
        contract=contract, title="Install", due_date=today + dt.timedelta(days=3), owner=owner
    )
    services.add_dependency(world.actor("manager"), second, first.pk, lag=0)
    return {"contract": contract, "milestone": first, "party": party}


def violations(page: Page, console: list[str]) -> list[str]:
    recorded = page.evaluate("() => window.__csp || []")
    return recorded + [m for m in console if "Refused to" in m or "Content Security" in m]


def test_main_pages_load_without_csp_violations(page: Page, world, plan):
    console: list[str] = []
    page.on("console", lambda msg: console.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: console.append(f"page error: {exc}"))
    page.add_init_script(RECORD_VIOLATIONS)

    page.goto("/login/")
    assert violations(page, console) == [], "/login/"
    sign_in(page, world.user("owner").email)

    contract, milestone, party = plan["contract"], plan["milestone"], plan["party"]
    urls = [reverse(name) for name in PAGES] + [
        reverse("contract-detail", args=[contract.pk]),
        reverse("contract-gantt", args=[contract.pk]),
        reverse("contract-history", args=[contract.pk]),
        reverse("milestone-detail", args=[milestone.pk]),
        reverse("milestone-edit", args=[milestone.pk]),
        reverse("party-detail", args=[party.pk]),
    ]
    failures = {}
    for url in urls:
        console.clear()
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        assert "unsafe-inline" not in response.headers["content-security-policy"], url
        page.wait_for_load_state("networkidle")
        if found := violations(page, console):
            failures[url] = found
    assert failures == {}, "\n".join(f"{u}: {v[:3]}" for u, v in failures.items())

    # The stylesheet applies (the legend swatches have their colours from classes).
    page.goto(reverse("contract-detail", args=[contract.pk]))
    late = page.locator(".legend .swatch-late")
    if late.count():
        assert late.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(217, 45, 32)"

    # An htmx swap (live search of the contract list) is as clean as a page load.
    console.clear()
    page.goto(reverse("contract-list"))
    search = page.get_by_role("searchbox").first
    if search.count():
        with page.expect_response(lambda r: "/contracts/" in r.url and "q=" in r.url):
            search.fill("Policy")
        page.wait_for_load_state("networkidle")
    assert violations(page, console) == []

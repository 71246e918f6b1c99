"""The organisation's own words for Milestone, Contract and Party on pages; the API keeps its."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from pactline.accounts.terminology import Terms, set_terminology
from pactline.milestones.models import Milestone
from tests.api.conftest import ApiClient, make_token, url
from tests.factories import MilestoneFactory

pytestmark = pytest.mark.django_db


def test_an_admin_renames_and_pages_use_the_words(login, world, contract) -> None:
    admin = login("admin")
    page = admin.get("/settings/terminology/")
    assert page.status_code == 200
    saved = admin.post(
        "/settings/terminology/",
        {"contract": "Agreement", "party": "Supplier", "milestone": "Deliverable"},
    )
    assert saved.status_code == 302
    MilestoneFactory(contract=contract, title="Design approval")
    viewer = login("viewer")
    listing = viewer.get("/contracts/").content.decode()
    assert "<title>Agreements" in listing
    assert "<h1>Agreements</h1>" in listing
    assert ">Agreements</a>" in listing and ">Suppliers</a>" in listing  # the navigation
    assert "1 agreement" in listing
    detail = viewer.get(f"/contracts/{contract.pk}/").content.decode()
    assert '<h2 id="milestones-heading">Deliverables</h2>' in detail
    manager = login("manager").get("/contracts/").content.decode()
    assert "New agreement</a>" in manager
    parties = viewer.get("/parties/").content.decode()
    assert "<h1>Suppliers</h1>" in parties and "No suppliers yet." in parties
    # Only admins and owners change the words.
    assert login("manager").post("/settings/terminology/", {"contract": "Deal"}).status_code == 403


def test_the_api_keeps_its_names(world, contract) -> None:
    set_terminology(world.actor("admin"), {"contract": "Agreement", "milestone": "Deliverable"})
    MilestoneFactory(contract=contract)
    client = ApiClient(make_token(world.user("viewer"), world.acme))
    body = client.get(url("contract-detail", contract_id=contract.pk)).json()
    assert body["number"] == "ACME-001"
    schema = client.get("/api/openapi.json").content.decode()
    assert "Agreement" not in schema and "Deliverable" not in schema
    listed = client.get(url("milestone-list")).json()
    assert listed["count"] == Milestone.objects.filter(contract=contract).count() == 1
    missing = client.get(url("contract-detail", contract_id=10**9)).json()
    assert "contract" in missing["detail"].lower() and "agreement" not in missing["detail"].lower()


def test_words_are_checked_and_plurals_made() -> None:
    terms = Terms({"contract": "Policy", "milestone": "SOW", "party": "Statement of Work"})
    assert terms.contracts == "Policies" and terms.contract_lower == "policy"
    assert terms.word("milestone", "lower", count=2) == "SOWs"
    assert terms.word("parties", "lower") == "statement of works"
    assert Terms().word("party", count=1) == "Party"


class _Headings(HTMLParser):
    """The text of a page's <title>, <h1>-<h3>, <nav> (main navigation and breadcrumbs),
    <caption> and table headers: where a page names things."""

    TAGS = frozenset({"title", "h1", "h2", "h3", "nav", "caption", "th", "label"})

    def __init__(self) -> None:
        super().__init__()
        self.depth: list[str] = []
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.TAGS:
            self.depth.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.TAGS and tag in self.depth:
            del self.depth[len(self.depth) - 1 - self.depth[::-1].index(tag)]

    def handle_data(self, data: str) -> None:
        if self.depth and data.strip():
            self.found.append(data.strip())


DEFAULT_WORDS = re.compile(r"\b(Contracts?|Milestones?|Party|Parties)\b", re.IGNORECASE)


def headings(html: str) -> list[str]:
    parser = _Headings()
    parser.feed(html)
    return parser.found


def test_main_pages_name_things_in_the_organisations_words(login, world, contract) -> None:
    """Headings, titles, navigation, table headers and labels of the main pages use the
    renamed words; none says Contract, Milestone or Party any more."""
    set_terminology(
        world.actor("admin"), {"contract": "Agreement", "party": "Supplier", "milestone": "Task"}
    )
    m = MilestoneFactory(contract=contract, title="Design approval", payment_amount="100")
    contract.parties.add(world.guest_party)
    pages = [
        "/",
        "/contracts/",
        f"/contracts/{contract.pk}/",
        f"/contracts/{contract.pk}/history/",
        f"/milestones/{m.pk}/",
        "/parties/",
        f"/parties/{world.guest_party.pk}/",
        reverse("milestone-list"),
        reverse("analytics"),
        reverse("cash-flow"),
        reverse("portfolio-timeline"),
        reverse("calendar"),
        reverse("import"),
        reverse("feed-list"),
        reverse("activity-feed"),
        reverse("audit-list"),
        reverse("template-list"),
        reverse("saved-view-list"),
    ]
    admin = login("admin")
    left = {}
    for page in pages:
        response = admin.get(page, follow=True)
        assert response.status_code == 200, page
        shown = headings(response.content.decode())
        assert shown, page
        # A project plan's "milestone tasks" are Microsoft Project's word, not ours.
        shown = [t for t in shown if "milestone tasks" not in t]
        if found := [t for t in shown if DEFAULT_WORDS.search(t)]:
            left[page] = found
    assert not left, "\n".join(f"{k}: {v}" for k, v in left.items())
    body = admin.get(reverse("milestone-list")).content.decode()
    assert "<title>Tasks" in body and "<h1>Tasks</h1>" in body
    assert "Any supplier" in body and "Agreement status" in body
    # The report PDFs' headings (their HTML before it becomes a PDF).
    from django.template.loader import render_to_string

    from pactline.reports.documents import contract_context

    pdf = render_to_string(
        "reports/pdf_contract.html", contract_context(world.actor("admin"), contract)
    )
    assert "<h1>Agreement status: ACME-001</h1>" in pdf and "<h2>Tasks</h2>" in pdf

"""The portfolio pages in a real browser: the dashboard, the portfolio timeline, a contract's
Gantt chart and the month calendar draw what the fixture holds (SVG marks and their <title>s,
counts that match), and none has a serious or critical accessibility problem.

Dates are relative to today (a frozen clock would also freeze the live server's sessions)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect

from pactline.contracts.models import Contract
from pactline.milestones import services
from pactline.milestones.models import Milestone
from tests.browser.conftest import axe_violations, sign_in
from tests.factories import ContractFactory, MilestoneFactory

pytestmark = pytest.mark.django_db(transaction=True)

TODAY = dt.date.today()


def _days(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


@pytest.fixture
def plan(world) -> tuple[Contract, dict[str, Milestone]]:
    """One contract: an overdue milestone, one due in 3 days (it follows the overdue one), one
    in 60 days, and one done late; plus another contract's milestone in 100 days."""
    maria = world.user("manager")
    contract = ContractFactory(
        organisation=world.acme, number="BR-1", title="Browser rollout", owner=maria
    )
    other = ContractFactory(organisation=world.acme, number="BR-2", title="Second site")
    rows = {
        "Survey sites": (contract, "in_progress", _days(-20), None),
        "Install routers": (contract, "planned", _days(3), None),
        "Train staff": (contract, "planned", _days(60), None),
        "Sign contract": (contract, "done", _days(-50), _days(-45)),
        "Second survey": (other, "planned", _days(100), None),
    }
    made = {
        title: MilestoneFactory(
            contract=c,
            title=title,
            status=status,
            due_date=due,
            baseline_due_date=due,
            forecast_date=due,
            completed_on=done,
            owner=maria,
        )
        for title, (c, status, due, done) in rows.items()
    }
    services.add_dependency(
        world.actor("manager"), made["Install routers"], made["Survey sites"].pk, lag=0
    )
    return contract, made


def _titles(page: Page, selector: str) -> list[str]:
    return page.locator(selector).evaluate_all("els => els.map(e => e.textContent)")


def test_dashboard_draws_the_health_of_the_portfolio(page: Page, world, plan):
    sign_in(page, "maria@acme.test")
    page.goto("/")
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
    figures = page.get_by_test_id("health-figures")
    expect(figures.locator(".figure-overdue .figure-value")).to_have_text("1")
    expect(figures.locator(".figure-done .figure-value")).to_have_text("1")
    # "Install routers" follows an overdue milestone, so it is at risk rather than due soon.
    expect(figures.locator(".figure-at_risk .figure-value")).to_have_text("1")
    expect(figures.locator(".figure-on_track .figure-value")).to_have_text("2")
    health = page.locator("svg.bar-chart[aria-label^='Milestones by health']")
    expect(health).to_have_count(1)
    bar_titles = _titles(page, "svg.bar-chart[aria-label^='Milestones by health'] g.bar > title")
    assert "Overdue: 1" in bar_titles
    assert "On track: 2" in bar_titles
    # Every figure leads to the list behind it, which shows that many rows.
    figures.locator(".figure-overdue a").click()
    expect(page.get_by_role("link", name="Survey sites")).to_be_visible()
    expect(page.get_by_role("link", name="Train staff")).to_have_count(0)
    page.goto("/")
    assert axe_violations(page) == []


def test_portfolio_timeline_draws_a_bar_per_milestone(page: Page, world, plan):
    sign_in(page, "maria@acme.test")
    page.goto("/timeline/")
    chart = page.get_by_test_id("gantt").locator("svg.gantt-chart")
    expect(chart).to_have_count(1)
    rows = _titles(page, "[data-testid=gantt] svg g.row > title")
    assert len(rows) == 5
    for title in plan[1]:
        assert any(r.startswith(f"{title}:") for r in rows), (title, rows)
    survey = next(r for r in rows if r.startswith("Survey sites:"))
    assert f"to {_days(-20).isoformat()} (overdue)" in survey
    expect(chart.locator("rect.bar")).to_have_count(5)
    expect(chart.locator("path.dependency")).to_have_count(1)
    expect(chart.locator("g.today > title")).to_have_text(f"Today, {TODAY.isoformat()}")
    assert axe_violations(page) == []


def test_contract_page_links_to_its_gantt_chart(page: Page, world, plan):
    contract, made = plan
    sign_in(page, "maria@acme.test")
    page.goto(f"/contracts/{contract.pk}/")
    expect(page.get_by_role("link", name="Status report (PDF)")).to_have_attribute(
        "href", f"/contracts/{contract.pk}/report.pdf"
    )
    expect(page.get_by_role("link", name="Money and penalties")).to_be_visible()
    page.get_by_role("link", name="Gantt chart").click()
    expect(page).to_have_url(re.compile(rf"/contracts/{contract.pk}/gantt/$"))
    chart = page.locator("svg.gantt-chart")
    expect(chart).to_have_attribute("aria-label", re.compile(r": 4 milestones in 1 groups"))
    rows = _titles(page, "svg.gantt-chart g.row > title")
    assert sorted(r.split(":")[0] for r in rows) == sorted(
        t for t, m in made.items() if m.contract_id == contract.pk
    )
    expect(chart.locator("rect.bar.overdue")).to_have_count(1)
    expect(chart.locator("rect.bar.done_late")).to_have_count(1)
    expect(chart.locator("path.dependency")).to_have_count(1)
    assert axe_violations(page) == []


def test_month_calendar_shows_the_due_dates_of_that_month(page: Page, world, plan):
    _, made = plan
    due = made["Train staff"].due_date
    same_month = [
        m for m in made.values() if (m.due_date.year, m.due_date.month) == (due.year, due.month)
    ]
    sign_in(page, "maria@acme.test")
    page.goto(f"/calendar/?month={due:%Y-%m}")
    expect(page.get_by_role("heading", name=due.strftime("%B %Y"), level=1)).to_be_visible()
    calendar = page.get_by_test_id("calendar")
    entries = calendar.locator("ul.day-items li a[title]")
    expect(entries).to_have_count(len(same_month))
    day = calendar.locator("td", has=page.locator("span.day", has_text=re.compile(rf"^{due.day}$")))
    expect(
        day.locator("li a", has_text="Train staff").filter(has_not_text="more")
    ).to_have_attribute("title", re.compile(r"^Train staff \(BR-1\), "))
    assert axe_violations(page) == []

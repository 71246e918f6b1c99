"""Hostile text through every output: HTML pages (and their SVG charts), PDF reports, CSV and
XLSX exports, and iCalendar feeds. Contract titles, party names, milestone titles and comments
carry markup, `javascript:` links, spreadsheet formula starters, CR/LF, very long lines,
separators and non-ASCII; every output shows them as text, and spreadsheets neutralise formulas
while keeping the value (a leading apostrophe, which the importer strips again)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import icalendar
import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from pactline.collab.services.comments import add_comment
from pactline.contracts.models import Party
from pactline.transfer.services import create_feed
from tests.factories import ContractFactory, MilestoneFactory

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
TITLES = {
    "script": SCRIPT,
    "img": IMG,
    "js": "javascript:alert(1)",
    "cmd": "=cmd|' /C calc'!A0",
    "at": "@SUM(1)",
    "plus": "+1",
    "minus": "-1",
    "crlf": "line one\r\nline two",
    "separators": 'a,b;c\\d "quoted"',
    "unicode": "Zürich \u2013 東京 ☃ ﷽",
    "long": "long " * 39 + "end",
}
FORMULA = ("=", "+", "-", "@")
MARKUP = re.compile(r"<script>alert|<img src=x|onerror=alert\(1\)>|href=\"javascript:", re.I)


@pytest.fixture
def hostile(world, frozen_today):
    party = Party.objects.create(organisation=world.acme, name=IMG, kind="vendor")
    contract = ContractFactory(
        organisation=world.acme, number="H-1", title=SCRIPT, description="[x](javascript:1)"
    )
    contract.parties.add(party)
    milestones = {
        key: MilestoneFactory(
            contract=contract,
            title=title,
            owner=world.user("member"),
            due_date=dt.date(2027, 2, 1) + dt.timedelta(days=i + 1),
            baseline_due_date=dt.date(2027, 2, 1) + dt.timedelta(days=i),
        )
        for i, (key, title) in enumerate(TITLES.items())
    }
    add_comment(
        world.actor("manager"),
        contract,
        f"{SCRIPT} [link](javascript:alert(1)) {IMG}",
        milestones["script"],
    )
    return {"contract": contract, "party": party, "milestones": milestones}


def client_for(world, role: str = "manager") -> Client:
    client = Client()
    client.force_login(world.user(role))
    return client


def test_html_pages_escape_everything(world, hostile):
    contract, party, ms = hostile["contract"], hostile["party"], hostile["milestones"]
    urls = [
        reverse("home"),
        reverse("contract-list"),
        reverse("contract-list") + "?q=%3Cscript%3E",
        reverse("contract-detail", args=[contract.pk]),
        reverse("contract-gantt", args=[contract.pk]),
        reverse("contract-history", args=[contract.pk]),
        reverse("party-list"),
        reverse("party-detail", args=[party.pk]),
        reverse("milestone-list"),
        reverse("portfolio-timeline"),
        reverse("calendar") + "?month=2027-02",
        reverse("analytics"),
        reverse("activity-feed"),
        *(reverse("milestone-detail", args=[m.pk]) for m in ms.values()),
    ]
    client = client_for(world)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert not MARKUP.search(body), (url, MARKUP.search(body))
    detail = client.get(reverse("contract-detail", args=[contract.pk])).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in detail  # shown, as text
    milestone = client.get(reverse("milestone-detail", args=[ms["script"].pk])).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in milestone
    assert (
        "東京" in client.get(reverse("milestone-detail", args=[ms["unicode"].pk])).content.decode()
    )


def test_pdf_report_shows_the_literal_text(world, hostile):
    response = client_for(world, "viewer").get(
        reverse("contract-report", args=[hostile["contract"].pk])
    )
    assert response.status_code == 200
    pdf = PdfReader(io.BytesIO(response.content))
    text = " ".join(page.extract_text() for page in pdf.pages).replace("\x00", "")
    flat = re.sub(r"\s+", "", text)
    for title in (SCRIPT, "=cmd|' /C calc'!A0", "@SUM(1)", "a,b;c\\d"):
        assert re.sub(r"\s+", "", title) in flat, title
    assert "Zürich" in text


def _neutral(value: str) -> str:
    """What a spreadsheet export may show: the value, or ' + the value when it starts like a
    formula."""
    return "'" + value if value.startswith(FORMULA) else value


def test_milestone_exports_neutralise_formulas_and_keep_values(world, hostile):
    client = client_for(world, "viewer")
    body = client.get(reverse("milestone-list") + "?format=csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    cells = {cell for row in rows for cell in row}
    for title in TITLES.values():
        shown = _neutral(title)
        assert shown in cells or shown.replace("\r\n", "\n") in cells, title
    assert not any(c.startswith(FORMULA) and not re.fullmatch(r"-?[\d.]+", c) for c in cells)

    data = client.get(reverse("milestone-list") + "?format=xlsx").content
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    values = [c for row in ws.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in values)
    # XLSX cells are typed: text is a string cell, never evaluated, so it may stay as it was
    strings = {c.value for c in values if c.data_type == "s"}
    for title in TITLES.values():
        shown = {title, _neutral(title), title.replace("\r\n", "\n")}
        assert shown & strings, title


def test_contract_export_neutralises_formulas(world, hostile):
    client = client_for(world, "viewer")
    data = client.get(reverse("contract-export") + "?format=xlsx").content
    wb = openpyxl.load_workbook(io.BytesIO(data))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)
    strings = {c.value for c in cells if isinstance(c.value, str)}
    assert "'=cmd|' /C calc'!A0" in strings and "'@SUM(1)" in strings and SCRIPT in strings


def test_calendar_feed_escapes_and_folds(world, hostile):
    _, raw = create_feed(world.actor("manager"), "organisation")
    response = Client().get(f"/feeds/{raw}.ics")
    assert response.status_code == 200
    data = response.content
    for line in data.split(b"\r\n"):
        assert len(line) <= 75, line  # folded at 75 octets (RFC 5545 3.1)
    assert b"\\;" in data and b"\\," in data  # separators escaped
    calendar = icalendar.Calendar.from_ical(data)
    summaries = {str(e["SUMMARY"]) for e in calendar.walk("VEVENT")}
    for title in TITLES.values():
        expected = f"H-1: {title}"
        assert expected in summaries or expected.replace("\r\n", "\n") in summaries, title

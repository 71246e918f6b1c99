from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "name",
    [
        "home",
        "milestone-list",
        "analytics",
        "cash-flow",
        "portfolio-timeline",
        "calendar",
        "report-subscriptions",
    ],
)
def test_pages_answer(login, portfolio, name):
    response = login("viewer").get(reverse(name))
    assert response.status_code == 200, response.content[:2000]


def test_exports_and_pdfs(login, portfolio):
    client = login("manager")
    for url in (
        reverse("milestone-list") + "?format=csv",
        reverse("milestone-list") + "?format=xlsx",
        reverse("cash-flow") + "?format=xlsx",
        reverse("analytics") + "?format=csv",
        reverse("portfolio-report"),
        reverse("contract-report", args=[portfolio["Late 3"].contract_id]),
        reverse("contract-gantt", args=[portfolio["Late 3"].contract_id]),
        reverse("milestone-money", args=[portfolio["Late 3"].pk]),
        reverse("contract-penalties", args=[portfolio["Late 3"].contract_id]),
    ):
        assert client.get(url).status_code == 200, url

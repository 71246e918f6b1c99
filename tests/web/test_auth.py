"""Signing in and out, the home page, and switching organisations."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from pactline.accounts.middleware import SESSION_KEY
from tests.conftest import PASSWORD
from tests.factories import MembershipFactory, UserFactory
from tests.web.conftest import text


def test_sign_in_page_is_accessible_form(db):
    response = Client().get(reverse("login"))
    assert response.status_code == 200
    body = text(response)
    assert '<html lang="en">' in body
    assert 'type="email"' in body and 'for="id_username"' in body
    assert 'for="id_password"' in body
    assert "<title>Sign in · Pactline</title>" in body


def test_signing_in_with_email_and_password_lands_on_the_contract_list(world):
    client = Client()
    response = client.post(reverse("login"), {"username": "Maria@Acme.test", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("contract-list")
    page = client.get(reverse("contract-list"))
    assert page.status_code == 200
    assert "Contracts" in text(page)


def test_wrong_password_is_refused_with_a_message(world):
    response = Client().post(reverse("login"), {"username": "maria@acme.test", "password": "wrong"})
    assert response.status_code == 200
    assert "correct e-mail address and password" in text(response)


def test_every_page_needs_sign_in(world, contract):
    client = Client()
    for url in (
        reverse("home"),
        reverse("contract-list"),
        reverse("contract-detail", args=[contract.pk]),
        reverse("party-list"),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_home_is_the_dashboard(login):
    response = login("viewer").get(reverse("home"))
    assert response.status_code == 200
    assert "Dashboard" in response.content.decode()
    assert reverse("home") == "/" and reverse("contract-list") == "/contracts/"


def test_sign_out_is_a_post(login):
    client = login("viewer")
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert "You have signed out." in text(client.get(response["Location"]))
    assert client.get(reverse("contract-list")).status_code == 302


def test_writes_need_the_csrf_token(world, contract):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.user("manager"))
    url = reverse("contract-close", args=[contract.pk])
    assert client.post(url, {"status": "completed"}).status_code == 403
    page = text(client.get(reverse("contract-detail", args=[contract.pk])))
    assert "csrfmiddlewaretoken" in page and '"X-CSRFToken"' in page
    token = client.cookies["csrftoken"].value
    response = client.post(url, {"status": "completed"}, HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 302


def test_a_user_without_membership_gets_a_clear_403(db):
    client = Client()
    client.force_login(UserFactory(email="lonely@example.com"))
    response = client.get(reverse("contract-list"))
    assert response.status_code == 403
    assert "not a member of any organisation" in text(response)


def test_switcher_shows_only_with_several_memberships(world, login):
    assert "org-switch-select" not in text(login("manager").get(reverse("contract-list")))
    MembershipFactory(user=world.user("manager"), organisation=world.rival, role="viewer")
    body = text(login("manager").get(reverse("contract-list")))
    assert "org-switch-select" in body
    assert ">Rival</option>" in body


def test_switching_organisation_changes_what_is_visible(world, login, contract):
    MembershipFactory(user=world.user("manager"), organisation=world.rival, role="viewer")
    client = login("manager")
    assert "ACME-001" in text(client.get(reverse("contract-list")))
    response = client.post(reverse("org-switch"), {"organisation": world.rival.pk})
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == world.rival.pk
    assert "ACME-001" not in text(client.get(reverse("contract-list")))
    assert client.get(reverse("contract-detail", args=[contract.pk])).status_code == 404


def test_switching_to_a_foreign_organisation_is_refused(world, login):
    client = login("manager")
    response = client.post(reverse("org-switch"), {"organisation": world.rival.pk}, follow=True)
    assert "not a member of that organisation" in text(response)
    assert client.session[SESSION_KEY] == world.acme.pk

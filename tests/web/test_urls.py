"""Checks generated from the URL conf: every page is named, needs sign-in, and refuses
outsiders and viewers."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from pactline.contracts.models import Contact
from tests.factories import ChecklistItemFactory, MilestoneFactory, PartyFactory

PUBLIC = {"login", "logout"}


def web_patterns() -> list[URLPattern]:
    found = []
    for entry in get_resolver().url_patterns:
        module = getattr(entry, "urlconf_module", None)
        if (
            isinstance(entry, URLResolver)
            and getattr(module, "__name__", "") == "pactline.web.urls"
        ):
            found += [p for p in entry.url_patterns if isinstance(p, URLPattern)]
    return found


def test_every_web_url_is_named():
    patterns = web_patterns()
    assert len(patterns) > 30
    assert all(p.name for p in patterns)


@pytest.fixture
def objects(world, contract):
    """One object of Acme behind every <pk> URL, by the kind of object the URL expects."""
    party = PartyFactory(organisation=world.acme, name="Globex")
    milestone = MilestoneFactory(contract=contract)
    item = ChecklistItemFactory(milestone=milestone)
    contact = Contact.objects.create(party=party, name="Gina")
    from pactline.milestones.services import add_dependency, create_template

    template = create_template(world.actor("manager"), "Ours", "", [])
    follower = MilestoneFactory(contract=contract)
    link = add_dependency(world.actor("manager"), follower, milestone.pk)
    return {
        "dependency": link.pk,
        "contract": contract.pk,
        "milestone": milestone.pk,
        "checklist": item.pk,
        "party": party.pk,
        "contact": contact.pk,
        "template": template.pk,
        "apply": contract.pk,
        "save": contract.pk,
    }


def url_for(pattern: URLPattern, objects: dict[str, int]) -> str:
    if "<int:pk>" not in str(pattern.pattern):
        return reverse(pattern.name)
    route = str(pattern.pattern)
    kind = route.split("/")[0].rstrip("s").replace("partie", "party")
    kind = kind.replace("dependencie", "dependency")
    if pattern.name in ("milestone-create", "contract-apply-template", "contract-save-template"):
        kind = "contract"
    if pattern.name == "contact-create":
        kind = "party"
    return reverse(pattern.name, args=[objects[kind]])


def test_every_page_needs_sign_in(objects):
    client = Client()
    for pattern in web_patterns():
        if pattern.name in PUBLIC:
            continue
        url = url_for(pattern, objects)
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 302, (pattern.name, method)
            assert response["Location"].startswith(reverse("login")), pattern.name


def test_outsiders_get_404_for_every_object_url(objects, login):
    client = login("outsider")
    for pattern in web_patterns():
        if "<int:pk>" not in str(pattern.pattern):
            continue
        url = url_for(pattern, objects)
        assert client.get(url).status_code in (404, 405), pattern.name
        assert client.post(url).status_code == 404, pattern.name


READ_ONLY = {
    "home",
    "contract-list",
    "contract-detail",
    "contract-history",
    "contract-timeline",
    "milestone-detail",
    "party-list",
    "party-detail",
    "template-list",
    "template-detail",
    "login",
    "logout",
    "org-switch",
}


def test_viewers_are_refused_every_write(objects, login):
    client = login("viewer")
    for pattern in web_patterns():
        if pattern.name in READ_ONLY:
            continue
        response = client.post(url_for(pattern, objects), {"status": "in_progress"})
        assert response.status_code == 403, pattern.name

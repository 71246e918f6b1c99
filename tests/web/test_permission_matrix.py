"""The permission matrix of the web app: every URL, every role, generated from the URL conf.

`MATRIX` says, for each named URL, which methods it answers and the least role allowed. The
meta-test fails when a URL has no row, so a new page cannot ship without a permission test.
The milestone behind the URLs is owned by mike (member), so "member" rows mean "its owner".
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from pactline.contracts.models import Contact
from pactline.customfields.models import CustomField
from pactline.milestones.models import MilestoneType
from tests.accounts.web_tables import PAGES as ACCESS_PAGES
from tests.accounts.web_tables import TOKEN_PAGES as ACCESS_TOKEN_PAGES
from tests.conftest import World
from tests.factories import ChecklistItemFactory, MilestoneFactory, PartyFactory
from tests.notifications.api_tables import WEB as NOTIFICATION_PAGES
from tests.review import helpers as review
from tests.savedviews.tables import WEB as SAVED_VIEW_PAGES

ROLES = ("viewer", "member", "manager", "admin", "owner")
RANK = {role: i for i, role in enumerate(ROLES)}

# name -> (methods answered, least role allowed or "public", kind of object behind <pk>)
MATRIX: dict[str, tuple[tuple[str, ...], str, str | None]] = {
    "login": (("get", "post"), "public", None),
    "healthz": (("get",), "public", None),
    "readyz": (("get",), "public", None),
    "metrics": (("get",), "public", None),
    "logout": (("post",), "public", None),
    "home": (("get",), "viewer", None),
    "org-switch": (("post",), "viewer", None),
    "contract-list": (("get",), "viewer", None),
    "contract-create": (("get", "post"), "manager", None),
    "contract-detail": (("get",), "viewer", "contract"),
    "contract-edit": (("get", "post"), "manager", "contract"),
    "contract-close": (("post",), "manager", "contract"),
    "contract-delete": (("get", "post"), "admin", "contract"),
    "contract-history": (("get",), "viewer", "contract"),
    "contract-timeline": (("get",), "viewer", "contract"),
    "milestone-create": (("get", "post"), "manager", "contract"),
    "contract-apply-template": (("get", "post"), "manager", "contract"),
    "contract-save-template": (("get", "post"), "manager", "contract"),
    "milestone-detail": (("get",), "viewer", "milestone"),
    "milestone-edit": (("get", "post"), "member", "milestone"),
    "milestone-delete": (("get", "post"), "manager", "milestone"),
    "milestone-status": (("post",), "member", "milestone"),
    "milestone-move": (("post",), "manager", "milestone"),
    "checklist-add": (("post",), "member", "milestone"),
    "milestone-what-if": (("post",), "manager", "milestone"),
    "milestone-what-if-apply": (("post",), "manager", "milestone"),
    "contract-what-if": (("post",), "manager", "contract"),
    "contract-what-if-apply": (("post",), "manager", "contract"),
    "dependency-add": (("post",), "manager", "milestone"),
    "dependency-remove": (("post",), "manager", "dependency"),
    "series-create": (("get", "post"), "manager", "contract"),
    "checklist-toggle": (("post",), "member", "checklist"),
    "checklist-delete": (("post",), "member", "checklist"),
    "party-list": (("get",), "viewer", None),
    "party-create": (("get", "post"), "manager", None),
    "party-detail": (("get",), "viewer", "party"),
    "party-edit": (("get", "post"), "manager", "party"),
    "party-delete": (("get", "post"), "manager", "party"),
    "contact-create": (("get", "post"), "manager", "party"),
    "contact-edit": (("get", "post"), "manager", "contact"),
    "contact-delete": (("get", "post"), "manager", "contact"),
    "template-list": (("get",), "viewer", None),
    "template-create": (("get", "post"), "manager", None),
    "template-detail": (("get",), "viewer", "template"),
    "template-edit": (("get", "post"), "manager", "template"),
    "template-duplicate": (("get", "post"), "manager", "template"),
    "template-delete": (("get", "post"), "manager", "template"),
    "import": (("get", "post"), "manager", None),
    "import-mapping-remove": (("post",), "manager", None),
    "contract-export": (("get",), "viewer", None),
    "feed-list": (("get",), "viewer", None),
    "feed-create": (("post",), "viewer", None),
    "feed-revoke": (("post",), "viewer", None),
    "closure-list": (("get",), "viewer", None),
    "closure-add": (("post",), "admin", None),
    "closure-remove": (("post",), "admin", None),
    "closure-import": (("post",), "admin", None),
    # key dates from the contract text (pactline.review)
    "contract-extract": (("get", "post"), "manager", "contract"),
    "extraction-detail": (("get",), "manager", "extraction"),
    "proposal-accept": (("post",), "manager", "proposal"),
    "proposal-reject": (("post",), "manager", "proposal"),
}

# Covered elsewhere: the API by tests/api/test_roles.py and test_tenancy.py (their own
# meta-tests), calendar feeds by tests/transfer (the secret in the URL is the credential),
# a staged import's pages by tests/transfer/test_pages.py (they need an uploaded file).
ELSEWHERE_PREFIXES = ("api:",)
ELSEWHERE = {"calendar-feed", "import-preview", "import-progress", "import-commit"}
ELSEWHERE |= set(NOTIFICATION_PAGES)  # tests/notifications/test_web_permissions.py

# Reports and money (pactline.reports). The POSTs of milestone-money, and the waiver and
# subscription deletions, are in tests/reports/test_permissions.py.
MATRIX.update(
    {
        "milestone-list": (("get",), "viewer", None),
        "analytics": (("get",), "viewer", None),
        "cash-flow": (("get",), "viewer", None),
        "portfolio-timeline": (("get",), "viewer", None),
        "calendar": (("get",), "viewer", None),
        "contract-gantt": (("get",), "viewer", "contract"),
        "contract-penalties": (("get", "post"), "manager", "contract"),
        "contract-report": (("get",), "viewer", "contract"),
        "milestone-money": (("get",), "viewer", "milestone"),
        "portfolio-report": (("get",), "viewer", None),
        "report-subscriptions": (("get", "post"), "viewer", None),
    }
)
ELSEWHERE |= {"waiver-delete", "report-subscription-delete"}
# Custom fields (pactline.customfields): settings pages of owners and admins.
MATRIX.update(
    {
        "custom-field-list": (("get",), "admin", None),
        "custom-field-create": (("get", "post"), "admin", None),
        "custom-field-edit": (("get", "post"), "admin", "custom_field"),
        "custom-field-move": (("post",), "admin", "custom_field"),
        "custom-field-delete": (("get", "post"), "admin", "custom_field"),
    }
)
# Milestone types and terminology (issue 8): settings pages of owners and admins.
MATRIX.update(
    {
        "milestone-type-list": (("get",), "admin", None),
        "milestone-type-create": (("get", "post"), "admin", None),
        "milestone-type-edit": (("get", "post"), "admin", "milestone_type"),
        "milestone-type-archive": (("post",), "admin", "milestone_type"),
        "milestone-type-delete": (("get", "post"), "admin", "milestone_type"),
        "terminology": (("get", "post"), "admin", None),
    }
)
# Access and collaboration (comments, documents, people, tokens, audit): their own matrix with
# the guest and restricted contracts, in tests/accounts/test_web_permissions.py.
ELSEWHERE |= set(ACCESS_PAGES) | ACCESS_TOKEN_PAGES
# Saved views of lists: tests/savedviews/test_permissions.py (every role, the guest, outsiders).
ELSEWHERE |= set(SAVED_VIEW_PAGES)


def all_url_names() -> list[str]:
    names: list[str] = []

    def walk(patterns: list, namespace: str) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry.url_patterns, ns)
            elif isinstance(entry, URLPattern):
                names.append(f"{namespace}{entry.name}" if entry.name else f"<unnamed {entry}>")

    walk(get_resolver().url_patterns, "")
    return names


def test_every_url_has_a_row_in_a_permission_matrix():
    missing = [
        name
        for name in all_url_names()
        if name not in MATRIX and name not in ELSEWHERE and not name.startswith(ELSEWHERE_PREFIXES)
    ]
    assert missing == [], f"URLs without a permission test: {missing}"


@pytest.fixture
def objects(world: World, contract) -> dict[str, int]:
    from pactline.milestones.services import add_dependency, create_template

    party = PartyFactory(organisation=world.acme, name="Globex")
    milestone = MilestoneFactory(contract=contract, owner=world.user("member"))
    follower = MilestoneFactory(contract=contract)
    return {
        "dependency": add_dependency(world.actor("manager"), follower, milestone.pk).pk,
        "contract": contract.pk,
        "milestone": milestone.pk,
        "checklist": ChecklistItemFactory(milestone=milestone).pk,
        "party": party.pk,
        "contact": Contact.objects.create(party=party, name="Gina").pk,
        "template": create_template(world.actor("manager"), "Ours", "", []).pk,
        "extraction": (run := review.quiet_run(contract.pk)).pk,
        "proposal": review.proposal_of(run, "effective_date").pk,
        "milestone_type": MilestoneType.objects.create(
            organisation=world.acme, key="unused", name="Unused"
        ).pk,
        "custom_field": CustomField.objects.create(
            organisation=world.acme, object_type="contract", key="po", label="PO", field_type="text"
        ).pk,
    }


def url_of(name: str, objects: dict[str, int]) -> str:
    kind = MATRIX[name][2]
    return reverse(name, args=[objects[kind]]) if kind else reverse(name)


CASES = [
    (name, method, role)
    for name, (methods, _, _) in MATRIX.items()
    for method in methods
    for role in ("anonymous", *ROLES, "outsider")
]


@pytest.mark.parametrize(("name", "method", "role"), CASES)
def test_permission(name: str, method: str, role: str, world: World, objects) -> None:
    _, least, kind = MATRIX[name]
    client = Client()
    if role != "anonymous":
        client.force_login(world.user(role))
    response = getattr(client, method)(url_of(name, objects))
    status = response.status_code
    location = response.get("Location", "")
    if least == "public":
        assert status < 500
        return
    if role == "anonymous":
        assert status == 302 and location.startswith(reverse("login")), status
    elif role == "outsider":
        if kind is None:
            return  # a collection: the outsider sees their own organisation's
        assert status == 404, status
    elif RANK[role] >= RANK[least]:
        assert status in (200, 302, 409, 422), status
        assert not location.startswith(reverse("login"))
    else:
        assert status == 403, status


@pytest.mark.parametrize("name", [n for n, (m, _, _) in MATRIX.items() if "get" not in m])
def test_post_only_urls_refuse_get(name: str, world: World, objects) -> None:
    client = Client()
    client.force_login(world.user("owner"))
    assert client.get(url_of(name, objects)).status_code == 405

"""The `pactline` command: one clear line on errors, the same services underneath."""

import pytest

from pactline.accounts.models import ApiToken, Membership, hash_token
from pactline.activity.models import Event
from pactline.cli import main
from pactline.demo import DEMO_EMAIL, DEMO_ORG


@pytest.mark.django_db
def test_user_create_makes_the_organisation_and_membership(capsys):
    assert (
        main(
            [
                "user",
                "create",
                "Ann@Example.com",
                "--org",
                "Beta",
                "--role",
                "admin",
                "--password",
                "long-password",
            ]
        )
        == 0
    )
    membership = Membership.objects.select_related("user", "organisation").get()
    assert (membership.user.email, membership.organisation.name, membership.role) == (
        "ann@example.com",
        "Beta",
        "admin",
    )
    assert membership.user.check_password("long-password")
    assert "ann@example.com is admin of Beta" in capsys.readouterr().out


@pytest.mark.django_db
def test_bad_role_is_one_clear_line_and_non_zero(capsys):
    assert main(["user", "create", "a@b.c", "--org", "Beta", "--role", "boss"]) == 1
    err = capsys.readouterr().err
    assert (
        err.strip()
        == "pactline: error: --role must be one of owner, admin, manager, member, viewer"
    )
    assert not Membership.objects.exists()


@pytest.mark.django_db
def test_token_create_prints_a_token_that_is_stored_hashed(capsys):
    main(["user", "create", "a@b.c", "--org", "Beta", "--role", "member"])
    capsys.readouterr()
    assert main(["token", "create", "a@b.c"]) == 0
    raw = capsys.readouterr().out.strip()
    assert raw.startswith("pl_")
    token = ApiToken.objects.get()
    assert token.token_hash == hash_token(raw) and raw not in token.token_hash
    assert main(["token", "create", "nobody@b.c"]) == 1


@pytest.mark.django_db
def test_demo_loads_once_with_an_intact_audit_chain(capsys):
    assert main(["demo"]) == 0
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert f"sign in as {DEMO_EMAIL} / demo" in out
    membership = Membership.objects.get(user__email=DEMO_EMAIL)
    assert (membership.organisation.name, membership.role) == (DEMO_ORG, "owner")
    assert membership.user.check_password("demo")
    assert Event.objects.count() > 20
    assert main(["audit", "verify"]) == 0
    assert "chain intact" in capsys.readouterr().out

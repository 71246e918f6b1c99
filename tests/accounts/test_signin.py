"""Signing in: argon2 hashes, failed attempts throttled by django-axes, password reset by
e-mail, and sessions that end with the browser unless "keep me signed in"."""

from __future__ import annotations

import datetime
import re

import pyotp
import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from pactline.accounts import twofactor
from pactline.accounts.models import TotpDevice
from tests.conftest import PASSWORD, World

pytestmark = pytest.mark.django_db


def sign_in(client: Client, email: str, password: str, **extra: str):
    return client.post(reverse("login"), {"username": email, "password": password, **extra})


def test_production_hashes_with_argon2() -> None:
    assert settings.PASSWORD_HASHERS  # the tests use a fast hasher; production's list:
    from pactline import settings as production

    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_failed_attempts_lock_the_address_out(world: World, settings) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    client = Client()
    for _ in range(2):
        assert sign_in(client, "mike@acme.test", "wrong").status_code == 200
    locked = sign_in(client, "mike@acme.test", "wrong")
    assert locked.status_code == 429
    assert "Too many failed sign-ins" in locked.content.decode()
    # even the right password is refused while locked out
    assert sign_in(Client(), "mike@acme.test", PASSWORD).status_code == 429
    # other addresses are not affected
    assert sign_in(Client(), "vera@acme.test", PASSWORD).status_code == 302


def test_success_resets_the_count(world: World, settings) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    client = Client()
    sign_in(client, "mike@acme.test", "wrong")
    sign_in(client, "mike@acme.test", "wrong")
    assert sign_in(client, "mike@acme.test", PASSWORD).status_code == 302
    client.post(reverse("logout"))
    sign_in(client, "mike@acme.test", "wrong")
    assert sign_in(client, "mike@acme.test", PASSWORD).status_code == 302


def test_sessions_end_with_the_browser_unless_kept(world: World) -> None:
    client = Client()
    assert sign_in(client, "mike@acme.test", PASSWORD).status_code == 302
    assert client.session.get_expire_at_browser_close()
    kept = Client()
    assert sign_in(kept, "mike@acme.test", PASSWORD, remember="on").status_code == 302
    assert not kept.session.get_expire_at_browser_close()
    assert kept.session.get_expiry_age() == settings.SESSION_COOKIE_AGE


def test_password_reset_by_e_mail(world: World) -> None:
    client = Client()
    page = client.get(reverse("login")).content.decode()
    assert reverse("password-reset") in page
    response = client.post(reverse("password-reset"), {"email": "mike@acme.test"})
    assert response.status_code == 302 and response["Location"] == reverse("password-reset-done")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["mike@acme.test"]
    link = re.search(r"https?://[^/]+(/password-reset/\S+/)", mail.outbox[0].body).group(1)
    form_url = client.get(link)["Location"]  # Django moves the token into the session
    response = client.post(
        form_url, {"new_password1": "a-new-passphrase", "new_password2": "a-new-passphrase"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("password-reset-complete")
    assert sign_in(Client(), "mike@acme.test", "a-new-passphrase").status_code == 302
    assert "no longer valid" in Client().get(link, follow=True).content.decode()


def test_unknown_addresses_get_the_same_answer_and_no_mail(world: World) -> None:
    response = Client().post(reverse("password-reset"), {"email": "nobody@acme.test"})
    assert response.status_code == 302 and not mail.outbox


def test_two_factor_sign_in(world: World) -> None:
    client = Client()
    client.force_login(world.user("member"))
    page = client.get(reverse("two-factor")).content.decode()
    secret = re.search(r'<code class="secret">(\w+)</code>', page).group(1)
    response = client.post(reverse("two-factor"), {"code": "000000"})
    assert response.status_code == 422
    assert client.post(reverse("two-factor"), {"code": pyotp.TOTP(secret).now()}).status_code == 302
    assert twofactor.is_enabled(world.user("member"))

    browser = Client()
    response = sign_in(browser, "mike@acme.test", PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("login-verify")
    assert browser.get(reverse("contract-list")).status_code == 302  # not signed in yet
    device = TotpDevice.objects.get()
    totp = pyotp.TOTP(secret)
    code = totp.generate_otp(totp.timecode(datetime.datetime.now()) + 1)  # the next step's
    assert browser.post(reverse("login-verify"), {"code": "123456"}).status_code == 422
    response = browser.post(reverse("login-verify"), {"code": code})
    assert response.status_code == 302 and response["Location"] == reverse("contract-list")
    assert browser.get(reverse("contract-list")).status_code == 200
    # the same code does not work twice
    again = Client()
    sign_in(again, "mike@acme.test", PASSWORD)
    assert again.post(reverse("login-verify"), {"code": code}).status_code == 422
    device.refresh_from_db()
    assert device.last_step > 0


def test_too_many_wrong_codes_start_over(world: World) -> None:
    secret = twofactor.new_secret()
    twofactor.enable(world.user("member"), secret, pyotp.TOTP(secret).now())
    client = Client()
    sign_in(client, "mike@acme.test", PASSWORD)
    for _ in range(4):
        assert client.post(reverse("login-verify"), {"code": "000000"}).status_code == 422
    response = client.post(reverse("login-verify"), {"code": "000000"})
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert client.get(reverse("login-verify")).status_code == 302


def test_behind_a_proxy_each_client_is_throttled_on_its_own(world: World, settings) -> None:
    """Two people behind one reverse proxy (the same peer address): with the proxy trusted,
    one of them locking themselves out does not lock out the other; a forged header left of
    the proxy's entry changes nothing."""
    settings.AXES_FAILURE_LIMIT = 3
    settings.PACTLINE_TRUSTED_PROXIES = 1
    first = {"HTTP_X_FORWARDED_FOR": "198.51.100.1", "REMOTE_ADDR": "10.0.0.2"}
    second = {"HTTP_X_FORWARDED_FOR": "198.51.100.2", "REMOTE_ADDR": "10.0.0.2"}
    forged = {"HTTP_X_FORWARDED_FOR": "203.0.113.9, 198.51.100.1", "REMOTE_ADDR": "10.0.0.2"}
    for _ in range(3):
        sign_in(Client(**first), "mike@acme.test", "wrong")
    assert sign_in(Client(**first), "mike@acme.test", PASSWORD).status_code == 429
    assert sign_in(Client(**forged), "mike@acme.test", PASSWORD).status_code == 429
    assert sign_in(Client(**second), "mike@acme.test", PASSWORD).status_code == 302


def test_without_trusted_proxies_the_header_is_ignored(world: World, settings) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    settings.PACTLINE_TRUSTED_PROXIES = 0
    for n in range(3):
        client = Client(HTTP_X_FORWARDED_FOR=f"198.51.100.{n}", REMOTE_ADDR="10.0.0.2")
        sign_in(client, "mike@acme.test", "wrong")
    other = Client(HTTP_X_FORWARDED_FOR="198.51.100.50", REMOTE_ADDR="10.0.0.2")
    assert sign_in(other, "mike@acme.test", PASSWORD).status_code == 429


def test_totp_secrets_are_encrypted_at_rest(world: World) -> None:
    from django.db import connection

    secret = twofactor.new_secret()
    twofactor.enable(world.user("member"), secret, pyotp.TOTP(secret).now())
    with connection.cursor() as cursor:
        cursor.execute("SELECT encrypted_secret FROM accounts_totpdevice")
        [(stored,)] = cursor.fetchall()
    assert secret not in stored and stored.startswith("gAAAA")  # a Fernet token
    assert TotpDevice.objects.get().secret == secret


def test_a_rotated_secret_key_keeps_second_factors_working(world: World, settings) -> None:
    secret = twofactor.new_secret()
    twofactor.enable(world.user("member"), secret, pyotp.TOTP(secret).now())
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-and-long-secret-key-for-the-rotation-test-0123456789"
    totp = pyotp.TOTP(secret)
    code = totp.generate_otp(totp.timecode(datetime.datetime.now()) + 1)
    assert twofactor.verify(world.user("member"), code)
    settings.SECRET_KEY_FALLBACKS = []  # the old key dropped: the code cannot be checked
    code = totp.generate_otp(totp.timecode(datetime.datetime.now()) - 1)
    assert not twofactor.verify(world.user("member"), code)


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_existing_secrets() -> None:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from tests.factories import UserFactory

    before = ("accounts", "0004_organisation_terminology")
    executor = MigrationExecutor(connection)
    executor.migrate([before])
    old = executor.loader.project_state([before]).apps.get_model("accounts", "TotpDevice")
    user = UserFactory(email="tess@acme.test")
    secret = twofactor.new_secret()
    old.objects.create(
        user_id=user.pk, secret=secret, confirmed_at=datetime.datetime.now(datetime.UTC)
    )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    device = TotpDevice.objects.get(user=user)
    assert device.encrypted_secret != secret and device.secret == secret
    assert twofactor.verify(user, pyotp.TOTP(secret).now())

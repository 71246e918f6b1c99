"""Security headers, cookies, CSRF on every form and POST view, and templates that keep the
Content-Security-Policy strict (no inline script, no style attribute, no inline handler)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.web.test_permission_matrix import MATRIX, objects, url_of  # noqa: F401

ROOT = Path(__file__).resolve().parents[2] / "pactline"
TEMPLATES = sorted(ROOT.glob("**/templates/**/*.html"))
# E-mails are read in mail programs (which drop <style> and stylesheets, so they carry inline
# styles); PDF templates are only read by WeasyPrint. Neither is served under the CSP.
NOT_SERVED = ("/email/", "/reports/pdf_", "/reports/_pdf_")


def served_templates() -> list[Path]:
    return [p for p in TEMPLATES if not any(part in str(p) for part in NOT_SERVED)]


def test_templates_found():
    assert len(served_templates()) > 50


@pytest.mark.parametrize("path", served_templates(), ids=lambda p: str(p.relative_to(ROOT)))
def test_template_has_no_inline_code_or_style(path: Path):
    """The CSP forbids inline script and style: one in a template would be silently ignored
    by browsers, so it must not be written at all."""
    text = path.read_text()
    problems = []
    if re.search(r"\sstyle\s*=", text):
        problems.append("a style attribute (use a class in app.css)")
    if re.search(r"<style[\s>]", text, re.I):
        problems.append("a <style> element (move it to app.css)")
    for script in re.finditer(r"<script\b([^>]*)>", text, re.I):
        if "src=" not in script.group(1):
            problems.append("an inline <script> (move it to a static .js file)")
    if re.search(r"\son[a-z]+\s*=", text, re.I):
        problems.append("an inline event handler (on...=; use app.js)")
    if re.search(r"\shx-on[:-]|js:|javascript:", text, re.I):
        problems.append("hx-on / js: / javascript: (needs eval or inline script)")
    if re.search(r"hx-trigger=\"[^\"]*\[", text):
        problems.append("an hx-trigger filter [...] (needs eval)")
    assert problems == [], f"{path.relative_to(ROOT)}: {problems}"


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_post_form_carries_the_csrf_token(path: Path):
    text = path.read_text()
    for form in re.finditer(r"<form\b[^>]*>(.*?)</form>", text, re.I | re.S):
        head = form.group(0)[: form.group(0).index(">") + 1]
        if re.search(r"method=\"post\"", head, re.I) or "hx-post" in head:
            body = form.group(1)
            # {% csrf_token %}, or its output written out (lists repeated many times per page)
            assert "{% csrf_token %}" in body or 'value="{{ csrf_token }}"' in body, head


# --- headers and cookies -------------------------------------------------------------------


def test_pages_carry_the_security_headers(client: Client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    directives = dict(
        [*part.strip().split(" ", 1), ""][:2] for part in csp.split(";") if part.strip()
    )
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response  # plain HTTP in development


@override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_SSL_REDIRECT=False)
def test_https_gets_hsts(client: Client, db):
    response = client.get(reverse("login"), secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def test_production_settings_turn_on_secure_cookies_and_hsts(tmp_path):
    """SECURE_COOKIES=1 (what `pactline check --deploy` demands) makes the cookies Secure and
    turns HSTS on for a year; cookies are always HttpOnly and SameSite=Lax."""
    import os
    import subprocess
    import sys

    code = (
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS,"
        " s.SESSION_COOKIE_HTTPONLY, s.CSRF_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE,"
        " s.CSRF_COOKIE_SAMESITE)"
    )
    env = {
        **os.environ,
        "SECURE_COOKIES": "1",
        "DJANGO_SETTINGS_MODULE": "pactline.settings",
        "PACTLINE_DATA_DIR": str(tmp_path),
    }
    out = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert out == ["True", "True", "31536000", "True", "True", "Lax", "Lax"]


def test_sign_in_sets_httponly_samesite_cookies(client: Client, world):
    from tests.conftest import PASSWORD

    client.get(reverse("login"))
    response = client.post(
        reverse("login"), {"username": world.user("manager").email, "password": PASSWORD}
    )
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["httponly"] and session["samesite"] == "Lax"
    csrf = client.cookies["csrftoken"]
    assert csrf["httponly"] and csrf["samesite"] == "Lax"


# --- CSRF on every POST view --------------------------------------------------------------


def all_views() -> list[tuple[str, object]]:
    found: list[tuple[str, object]] = []

    def walk(patterns: list, namespace: str) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry.url_patterns, ns)
            elif isinstance(entry, URLPattern):
                found.append((f"{namespace}{entry.name}", entry.callback))

    walk(get_resolver().url_patterns, "")
    return found


def test_no_web_view_is_exempt_from_csrf():
    """Django's CsrfViewMiddleware guards every view not marked csrf_exempt. The API alone is
    exempt: bearer tokens are not sent by browsers on their own, and its session path checks
    CSRF itself (tests/api test_session_writes_need_csrf)."""
    exempt = [name for name, view in all_views() if getattr(view, "csrf_exempt", False)]
    assert [n for n in exempt if not n.startswith("api:")] == []


POST_ROWS = [name for name, (methods, _, _) in MATRIX.items() if "post" in methods]


@pytest.mark.parametrize("name", POST_ROWS)
def test_post_without_csrf_token_is_refused(name: str, world, objects):  # noqa: F811
    client = Client(enforce_csrf_checks=True)
    if MATRIX[name][1] != "public":
        client.force_login(world.user("owner"))
    response = client.post(url_of(name, objects), {})
    assert response.status_code == 403, response.status_code
    assert b"CSRF" in response.content


@pytest.mark.parametrize(
    "path", ["/c/not-a-token/", "/l/not-a-token/", "/invitations/not-a-token/"]
)
def test_signed_link_posts_need_the_csrf_token_too(path: str, db):
    response = Client(enforce_csrf_checks=True).post(path, {})
    assert response.status_code == 403 and b"CSRF" in response.content


def test_api_session_writes_need_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.user("manager"))
    response = client.post(
        "/api/v1/contracts", {"number": "X-1", "title": "x"}, content_type="application/json"
    )
    assert response.status_code in (401, 403), response.status_code


def test_deploy_checks_refuse_unsafe_production_settings(settings):
    from pactline.checks import production_settings

    settings.SECRET_KEY = settings.DEV_SECRET
    settings.DEBUG = True
    settings.ALLOWED_HOSTS = ["*"]
    settings.SESSION_COOKIE_SECURE = False
    ids = {e.id for e in production_settings()}
    assert {"pactline.E001", "pactline.E002", "pactline.E004", "pactline.E005"} <= ids

    settings.SECRET_KEY = "x" * 50
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["pactline.example.com"]
    settings.SESSION_COOKIE_SECURE = True
    assert production_settings() == []

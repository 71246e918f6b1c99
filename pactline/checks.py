"""System checks that refuse unsafe production settings (`pactline check --deploy`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def production_settings(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    problems = []
    if settings.SECRET_KEY == settings.DEV_SECRET or len(settings.SECRET_KEY) < 40:
        problems.append(
            Error(
                "SECRET_KEY is the development default or shorter than 40 characters.",
                hint="Set SECRET_KEY to a long random value, e.g. `python -c 'import secrets; "
                "print(secrets.token_urlsafe(50))'`.",
                id="pactline.E001",
            )
        )
    if settings.DEBUG:
        problems.append(
            Error(
                "DEBUG is on.", hint="Unset DEBUG (or DEBUG=0) in production.", id="pactline.E002"
            )
        )
    local = {"127.0.0.1", "localhost", "[::1]"}
    if not settings.ALLOWED_HOSTS or set(settings.ALLOWED_HOSTS) <= local:
        problems.append(
            Error(
                "ALLOWED_HOSTS names no public host.",
                hint="Set ALLOWED_HOSTS to the host names people use, comma-separated.",
                id="pactline.E003",
            )
        )
    if "*" in settings.ALLOWED_HOSTS:
        problems.append(
            Error(
                "ALLOWED_HOSTS contains '*'.", hint="List the real host names.", id="pactline.E004"
            )
        )
    if not settings.SESSION_COOKIE_SECURE:
        problems.append(
            Error(
                "Session and CSRF cookies are sent over plain HTTP.",
                hint="Serve Pactline over HTTPS and set SECURE_COOKIES=1.",
                id="pactline.E005",
            )
        )
    return problems

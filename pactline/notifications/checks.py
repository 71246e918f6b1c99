"""Deploy checks of the notifications set-up (`pactline check --deploy`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def notification_settings(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    problems = []
    if not settings.EMAIL_URL:
        problems.append(
            Warning(
                "EMAIL_URL is not set: e-mails are written to files, not sent.",
                hint="Set EMAIL_URL, e.g. submission://user:password@smtp.example.com:587.",
                id="pactline.W101",
            )
        )
    if settings.PACTLINE_ALLOW_PRIVATE_WEBHOOKS:
        problems.append(
            Warning(
                "PACTLINE_ALLOW_PRIVATE_WEBHOOKS is on: webhooks may reach internal addresses.",
                hint="Turn it off unless every admin may reach your internal network.",
                id="pactline.W102",
            )
        )
    if settings.BASE_URL.startswith("http://127.0.0.1"):
        problems.append(
            Warning(
                "PACTLINE_BASE_URL is the local default: links in e-mails will not work.",
                hint="Set PACTLINE_BASE_URL to the address people use.",
                id="pactline.W103",
            )
        )
    return problems

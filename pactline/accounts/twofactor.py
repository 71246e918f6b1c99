"""An optional second factor: a code from an authenticator app (TOTP, RFC 6238) after the
password. A code is accepted in the current 30-second step or the one before or after (clocks
drift), and only once: the step of the last code used is kept, so a code seen over a shoulder
cannot be replayed."""

from __future__ import annotations

import logging
from datetime import datetime

import pyotp
from django.db import transaction
from django.utils import timezone

from pactline.accounts.crypto import Undecryptable
from pactline.accounts.models import TotpDevice, User
from pactline.errors import ValidationFailed

log = logging.getLogger(__name__)
ISSUER = "Pactline"
DRIFT_STEPS = 1


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    """The otpauth:// address an authenticator app reads (typed in, or as a QR code)."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def matching_step(secret: str, code: str, now: datetime | None = None) -> int | None:
    """The time step whose code `code` is, within the allowed drift, else None."""
    code = "".join((code or "").split())
    if not code.isdigit() or len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    moment = now or timezone.now()
    current = totp.timecode(moment)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if totp.generate_otp(step) == code:
            return step
    return None


def is_enabled(user: User) -> bool:
    return TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).exists()


@transaction.atomic
def verify(user: User, code: str) -> bool:
    """Check a sign-in code; the step it belongs to can never be used again."""
    device = (
        TotpDevice.objects.select_for_update().filter(user=user, confirmed_at__isnull=False).first()
    )
    if device is None:
        return False
    try:
        secret = device.secret
    except Undecryptable:  # SECRET_KEY changed without keeping the old one as a fallback
        log.error("the TOTP secret of user %s cannot be decrypted", user.pk)
        return False
    step = matching_step(secret, code)
    if step is None or step <= device.last_step:
        return False
    device.last_step = step
    device.save(update_fields=["last_step"])
    return True


@transaction.atomic
def enable(user: User, secret: str, code: str) -> TotpDevice:
    """Turn the second factor on once the app shows a right code for `secret`."""
    step = matching_step(secret, code)
    if step is None:
        raise ValidationFailed.one("code", "is not the code your app shows; try the next one")
    device, _ = TotpDevice.objects.update_or_create(
        user=user,
        defaults={"secret": secret, "confirmed_at": timezone.now(), "last_step": step},
    )
    return device


@transaction.atomic
def disable(user: User, code: str) -> None:
    if not verify(user, code):
        raise ValidationFailed.one("code", "is not a valid code")
    TotpDevice.objects.filter(user=user).delete()

"""Encryption at rest for the few secrets the application must read back (TOTP secrets).

Fernet (AES-128-CBC + HMAC-SHA256, from `cryptography`) with a key derived from SECRET_KEY
for this one purpose (HMAC-SHA256 of a fixed label), so the key is never stored beside the
data. Values encrypted under a key in SECRET_KEY_FALLBACKS still decrypt, which lets an
operator rotate SECRET_KEY the way Django documents it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

PURPOSE = b"pactline.accounts.crypto:totp-secret"


class Undecryptable(Exception):
    """Encrypted under a key that is no longer in SECRET_KEY / SECRET_KEY_FALLBACKS."""


def _fernet(secret_key: str) -> Fernet:
    digest = hmac.new(secret_key.encode(), PURPOSE, hashlib.sha256).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def _keys() -> MultiFernet:
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet([_fernet(k) for k in keys])


def encrypt(value: str) -> str:
    return _keys().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _keys().decrypt(token.encode()).decode()
    except InvalidToken:
        raise Undecryptable("encrypted with a key that is no longer configured") from None

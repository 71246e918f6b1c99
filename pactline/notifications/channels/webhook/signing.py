"""The webhook signature: HMAC-SHA256 over "timestamp.body" with the subscription's secret.

Header: `X-Pactline-Signature: t=<unix seconds>,v1=<hex digest>`. A receiver recomputes the
digest over the raw body, compares in constant time, and rejects old timestamps (replays).
"""

from __future__ import annotations

import hashlib
import hmac
import time

HEADER = "X-Pactline-Signature"
TOLERANCE_SECONDS = 300


def signature(secret: str, timestamp: int, body: bytes) -> str:
    signed = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def header(secret: str, body: bytes, timestamp: int | None = None) -> str:
    ts = int(time.time()) if timestamp is None else timestamp
    return f"t={ts},v1={signature(secret, ts, body)}"


def verify(secret: str, body: bytes, value: str, now: float | None = None) -> bool:
    """What a receiver does (tests and docs use it): True for a fresh, matching signature."""
    try:
        parts = dict(item.split("=", 1) for item in value.split(","))
        ts = int(parts["t"])
    except (ValueError, KeyError):
        return False
    if abs((time.time() if now is None else now) - ts) > TOLERANCE_SECONDS:
        return False
    return hmac.compare_digest(signature(secret, ts, body), parts.get("v1", ""))

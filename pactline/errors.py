"""Domain errors raised by services and mapped to HTTP answers by the web and API layers.

- ValidationFailed -> 422 (API) / form errors (web): names each field and its problem.
- Forbidden -> 403: the actor can see the object but may not do this to it.
- NotFound -> 404: missing, or outside what the actor may see (never leak existence).
- Conflict -> 409: the object changed since the client read it (stale version).
"""

from __future__ import annotations


class DomainError(Exception):
    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationFailed(DomainError):
    status = 422

    def __init__(self, errors: dict[str, str | list[str]]) -> None:
        self.errors: dict[str, list[str]] = {
            field: [msg] if isinstance(msg, str) else list(msg) for field, msg in errors.items()
        }
        summary = "; ".join(f"{f}: {' '.join(m)}" for f, m in self.errors.items())
        super().__init__(summary)

    @classmethod
    def one(cls, field: str, message: str) -> ValidationFailed:
        return cls({field: message})


class Forbidden(DomainError):
    status = 403


class NotFound(DomainError):
    status = 404


class Conflict(DomainError):
    status = 409

"""Optimistic locking: every editable object carries `version`; a stale one is a Conflict."""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model

from pactline.errors import Conflict, NotFound

M = TypeVar("M", bound=Model)


def lock(instance: M, expected_version: int | None) -> M:
    """Re-read `instance` under a row lock and check the version the client last saw."""
    model = type(instance)
    try:
        fresh = model._default_manager.select_for_update().get(pk=instance.pk)
    except model.DoesNotExist:  # type: ignore[attr-defined]
        raise NotFound(f"{model._meta.verbose_name} not found") from None
    current = fresh.version  # type: ignore[attr-defined]
    if expected_version is not None and current != expected_version:
        raise Conflict(
            f"this {model._meta.verbose_name} was changed by someone else "
            f"(now version {current}, you edited version {expected_version}); "
            "reload it and apply your change again"
        )
    return fresh


def bump(instance: Model) -> None:
    instance.version += 1  # type: ignore[attr-defined]

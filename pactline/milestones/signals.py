"""Every new organisation starts with the default milestone types (pactline.milestones.types)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from pactline.accounts.models import Organisation


@receiver(post_save, sender=Organisation, dispatch_uid="milestones-seed-types")
def seed_milestone_types(sender: Any, instance: Organisation, created: bool, **kwargs: Any) -> None:
    if created and not kwargs.get("raw"):
        from pactline.milestones import types

        types.seed(instance.pk)

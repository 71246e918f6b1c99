"""Milestone types: the seeded defaults and reading an organisation's types.

A milestone, template item or series stores its type's `key` in `kind` (the API's name); the
organisation's `MilestoneType` rows give that key a name, colour, icon and defaults. Reads here
are cheap (a handful of rows per organisation); writes are in services/types.py.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from pactline.milestones.models import MilestoneKind, MilestoneType

# The types every organisation starts with: key -> (colour, icon). Names from MilestoneKind.
DEFAULTS: dict[str, tuple[str, str]] = {
    MilestoneKind.INITIATION: ("#2563eb", "▶"),
    MilestoneKind.DESIGN_APPROVAL: ("#7c3aed", "✎"),
    MilestoneKind.DEVELOPMENT_COMPLETE: ("#0891b2", "⚙"),
    MilestoneKind.USER_ACCEPTANCE: ("#ca8a04", "☑"),
    MilestoneKind.GO_LIVE: ("#16a34a", "★"),
    MilestoneKind.COMPLETION: ("#15803d", "✔"),
    MilestoneKind.PAYMENT: ("#b45309", "¤"),
    MilestoneKind.DELIVERABLE: ("#0f766e", "◆"),
    MilestoneKind.REPORT: ("#475569", "≡"),
    MilestoneKind.CUSTOM: ("#64748b", "•"),
}
# The fallback type: it cannot be archived or deleted.
FALLBACK = MilestoneKind.CUSTOM.value


def default_rows(organisation_id: int) -> list[MilestoneType]:
    return [
        MilestoneType(
            organisation_id=organisation_id,
            key=kind.value,
            name=kind.label,
            colour=DEFAULTS[kind][0],
            icon=DEFAULTS[kind][1],
            position=position,
        )
        for position, kind in enumerate(MilestoneKind)
    ]


def seed(organisation_id: int) -> None:
    """Give an organisation the default types it does not have yet (by key)."""
    have = set(
        MilestoneType.objects.filter(organisation_id=organisation_id).values_list("key", flat=True)
    )
    MilestoneType.objects.bulk_create(
        [row for row in default_rows(organisation_id) if row.key not in have]
    )


@dataclass(frozen=True)
class TypeInfo:
    """What a page, export or e-mail shows for a `kind` value."""

    key: str
    name: str
    colour: str = "#64748b"
    icon: str = ""
    archived: bool = False


def _fallback_info(key: str) -> TypeInfo:
    label = MilestoneKind(key).label if key in MilestoneKind.values else key.replace("_", " ")
    colour, icon = DEFAULTS.get(key, ("#64748b", ""))
    return TypeInfo(key, label, colour, icon)


class TypeMap(dict[str, TypeInfo]):
    """key -> TypeInfo of one organisation; unknown keys read as their default label."""

    def __missing__(self, key: str) -> TypeInfo:
        return _fallback_info(key or "")

    def name(self, key: str) -> str:
        return self[key].name


def type_map(organisation_id: int | None) -> TypeMap:
    """All types of an organisation (archived included: old rows still name them)."""
    out = TypeMap()
    if organisation_id is None:
        return out
    for t in MilestoneType.objects.filter(organisation_id=organisation_id):
        out[t.key] = TypeInfo(t.key, t.name, t.colour, t.icon, t.archived)
    return out


def active_types(organisation_id: int) -> list[MilestoneType]:
    return list(MilestoneType.objects.filter(organisation_id=organisation_id, archived=False))


def choices(organisation_id: int | None, keep: str | None = None) -> list[tuple[str, str]]:
    """(key, name) of the active types, plus `keep` (a row's current, maybe archived, type)."""
    if organisation_id is None:
        return list(MilestoneKind.choices)
    rows = MilestoneType.objects.filter(organisation_id=organisation_id)
    out = [(t.key, t.name) for t in rows if not t.archived or t.key == keep]
    if keep and keep not in {k for k, _ in out}:
        out.append((keep, _fallback_info(keep).name))
    return out


def get(organisation_id: int, key: str) -> MilestoneType | None:
    return MilestoneType.objects.filter(organisation_id=organisation_id, key=key).first()


def as_dict(t: MilestoneType) -> dict[str, Any]:
    return {
        "key": t.key,
        "name": t.name,
        "colour": t.colour,
        "icon": t.icon,
        "default_checklist": list(t.default_checklist or []),
        "default_reminders": dict(t.default_reminders or {}),
        "position": t.position,
        "archived": t.archived,
    }


# Row-by-row readers (exports, list columns) look names up through a short-lived per-process
# cache; this process forgets an organisation's entry when it changes a type, and other
# processes see a change within CACHE_SECONDS.
CACHE_SECONDS = 10.0
_cache: dict[int, tuple[float, TypeMap]] = {}


def cached_map(organisation_id: int) -> TypeMap:
    hit = _cache.get(organisation_id)
    now = time.monotonic()
    if hit is None or now - hit[0] > CACHE_SECONDS:
        hit = (now, type_map(organisation_id))
        _cache[organisation_id] = hit
    return hit[1]


def forget(organisation_id: int) -> None:
    _cache.pop(organisation_id, None)


def type_name(row: Any) -> str:
    """The type name of a milestone, template item or series (a row with `kind`)."""
    org = getattr(row, "organisation_id", None)
    if org is None and hasattr(row, "template"):
        org = row.template.organisation_id
    return cached_map(org).name(row.kind) if org else TypeMap().name(row.kind)

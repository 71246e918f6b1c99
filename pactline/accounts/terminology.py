"""The organisation's words for Milestone, Contract and Party, in the UI and in e-mails.

An organisation may call its contracts "Agreements", its parties "Suppliers", its milestones
"Deliverables". Only what people read changes: URLs, the API, exports' column keys and event
types keep the built-in names. Pages read the words through the `terms` context variable
(pactline.accounts.context_processors) and the `{% term %}` tag; e-mails through `terms_for`.

Words are stored as typed ("Agreement", "SOW"); a plural left empty is derived. `lower` form
lowercases each word that is not an acronym ("Statement of Work" -> "statement of work",
"SOW" stays "SOW"); `title` form capitalises the first letter only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from pactline.accounts import permissions
from pactline.accounts.models import Organisation
from pactline.accounts.permissions import Actor, require
from pactline.activity.services import diff, record
from pactline.validation import Errors

# noun -> (singular, plural) as Pactline says them
DEFAULTS: dict[str, tuple[str, str]] = {
    "milestone": ("Milestone", "Milestones"),
    "contract": ("Contract", "Contracts"),
    "party": ("Party", "Parties"),
}
PLURALS = {plural.lower(): noun for noun, (_, plural) in DEFAULTS.items()}
KEYS = tuple(k for noun, (_, plural) in DEFAULTS.items() for k in (noun, plural.lower()))
MAX_LENGTH = 40


def plural_of(word: str) -> str:
    """English plural of the last word: agreement -> agreements, party -> parties, SOW -> SOWs."""
    if not word:
        return word
    if word.isupper() and len(word) > 1:
        return word + "s"
    lower = word.lower()
    if lower.endswith("y") and len(lower) > 1 and lower[-2] not in "aeiou":
        return word[:-1] + ("IES" if word.isupper() else "ies")
    if lower.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    return word + "s"


def lower_words(text: str) -> str:
    """Lower-case each word except acronyms and the like (SOW, SOWs, eSign): a word with an
    upper-case letter after its first stays as typed."""
    return " ".join(w if any(c.isupper() for c in w[1:]) else w.lower() for w in text.split(" "))


def title_case(text: str) -> str:
    return text[:1].upper() + text[1:]


class Terms:
    """The words of one organisation. `terms.contract` -> "Agreement", `terms.contracts` ->
    "Agreements", `terms.contract_lower` / `terms.contracts_lower` for mid-sentence use."""

    def __init__(self, data: Mapping[str, Any] | None = None) -> None:
        self.data = {k: v.strip() for k, v in (data or {}).items() if isinstance(v, str)}

    def word(self, key: str, style: str = "title", count: int | None = None) -> str:
        key = key.lower()
        noun = PLURALS.get(key, key)
        if noun not in DEFAULTS:
            return key
        plural = key != noun
        if count is not None:
            plural = count != 1
        singular = self.data.get(noun) or DEFAULTS[noun][0]
        if plural:
            own = self.data.get(DEFAULTS[noun][1].lower())
            text = own or (plural_of(singular) if self.data.get(noun) else DEFAULTS[noun][1])
        else:
            text = singular
        if style == "lower":
            return lower_words(text)
        if style == "upper":
            return text.upper()
        return title_case(text)

    def __getattr__(self, name: str) -> str:
        if name.endswith("_lower"):
            base = name[: -len("_lower")]
            if base in KEYS:
                return self.word(base, "lower")
        elif name in KEYS:
            return self.word(name)
        raise AttributeError(name)

    def __getitem__(self, name: str) -> str:
        try:
            return getattr(self, name)  # type: ignore[no-any-return]
        except AttributeError:
            raise KeyError(name) from None

    def as_dict(self) -> dict[str, str]:
        return {key: self.word(key) for key in KEYS}


def terms_of(organisation: Organisation | None) -> Terms:
    return Terms(getattr(organisation, "terminology", None) or {})


def terms_for(organisation_id: int | None) -> Terms:
    if organisation_id is None:
        return Terms()
    row = Organisation.objects.filter(pk=organisation_id).values_list("terminology", flat=True)
    return Terms(row.first() or {})


@transaction.atomic
def set_terminology(actor: Actor, data: Mapping[str, Any]) -> dict[str, str]:
    """Set the organisation's words; an empty value restores Pactline's word."""
    require(
        permissions.can_customise_organisation(actor),
        "only admins and owners change the organisation's terminology",
    )
    errors = Errors()
    clean: dict[str, str] = {}
    for key, value in data.items():
        if key not in KEYS:
            errors.add(key, "is not a known word (milestone, contract, party and plurals)")
            continue
        if value is None:
            value = ""
        if not isinstance(value, str):
            errors.add(key, "must be text")
            continue
        value = " ".join(value.split())
        if len(value) > MAX_LENGTH:
            errors.add(key, f"must be at most {MAX_LENGTH} characters")
        elif any(c in value for c in "<>{}%\"'"):
            errors.add(key, "must be a plain word or words")
        elif value:
            clean[key] = value
    errors.raise_if_any()
    org = Organisation.objects.select_for_update().get(pk=actor.organisation.pk)
    before = dict(org.terminology or {})
    after = {k: v for k, v in before.items() if k in KEYS and k not in data} | clean
    if after == before:
        return after
    org.terminology = after
    org.save(update_fields=["terminology"])
    actor.organisation.terminology = after
    record(
        actor,
        "terminology_changed",
        org,
        summary="Terminology changed",
        changes=diff({k: before.get(k) for k in KEYS}, {k: after.get(k) for k in KEYS}),
    )
    return after

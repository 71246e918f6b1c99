"""Operations on parties, contacts and contracts. Every write goes through here."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from pactline.accounts import permissions
from pactline.accounts.models import Membership
from pactline.accounts.permissions import Actor, require
from pactline.activity.services import diff, record
from pactline.contracts.models import (
    Contact,
    Contract,
    ContractMember,
    ContractStatus,
    Party,
    PartyKind,
    RestrictedRemnant,
    RestrictedRemnantMember,
    Tag,
)
from pactline.customfields import services as custom
from pactline.errors import ValidationFailed
from pactline.milestones.scheduling import validate_calendar
from pactline.validation import (
    Errors,
    check_currency,
    check_date,
    check_money,
    check_required_text,
    check_text,
    check_time_zone,
)
from pactline.versioning import bump, lock

PARTY_FIELDS = ("name", "kind", "registration_number", "address", "website", "notes")
CONTACT_FIELDS = ("name", "email", "phone", "role")
CONTRACT_FIELDS = (
    "number",
    "title",
    "description",
    "owner_id",
    "value",
    "currency",
    "signed_on",
    "start_on",
    "end_on",
    "time_zone",
    "calendar_country",
    "calendar_subdivision",
    "workweek",
    "status",
    "external_id",
    "notice_period_days",
    "restricted",
    # penalty terms (pactline.reports.money)
    "penalty_kind",
    "penalty_rate",
    "penalty_grace_days",
    "penalty_working_days",
    "penalty_cap_kind",
    "penalty_cap",
)
MAX_NOTICE_DAYS = 3660
DATE_FIELDS = ("signed_on", "start_on", "end_on")


def _unknown(data: Mapping[str, Any], allowed: Iterable[str]) -> None:
    extra = sorted(set(data) - set(allowed))
    if extra:
        raise ValidationFailed({name: "is not a known field" for name in extra})


# --- parties and contacts ---------------------------------------------------------------------


def _party_snapshot(party: Party) -> dict[str, Any]:
    snap = {f: getattr(party, f) for f in PARTY_FIELDS}
    snap.update(custom.audit_entries(party.custom_fields))
    return snap


def _validate_party(actor: Actor, party: Party) -> None:
    errors = Errors()
    check_required_text(errors, "name", party.name, 200)
    if party.kind not in PartyKind.values:
        errors.add("kind", f"must be one of {', '.join(PartyKind.values)}")
    for field, limit in (("registration_number", 64), ("website", 200)):
        check_text(errors, field, getattr(party, field), limit)
    if party.website and not party.website.startswith(("http://", "https://")):
        errors.add("website", "must start with http:// or https://")
    duplicate = permissions.visible_parties(actor).filter(name=party.name).exclude(pk=party.pk)
    if party.name and duplicate.exists():
        errors.add("name", f"a party named {party.name!r} already exists")
    errors.raise_if_any()


@transaction.atomic
def create_party(actor: Actor, data: Mapping[str, Any]) -> Party:
    require(permissions.can_manage_parties(actor), "only managers and above manage parties")
    _unknown(data, (*PARTY_FIELDS, "custom_fields"))
    data = dict(data)
    values = data.pop("custom_fields", None)
    party = Party(organisation=actor.organisation, **data)
    party.name = (party.name or "").strip()
    _validate_party(actor, party)
    party.custom_fields = custom.clean_values(actor.organisation, "party", values, creating=True)
    party.save()
    record(
        actor,
        "created",
        party,
        summary=f"Party {party.name} created",
        changes=diff({}, _party_snapshot(party)),
    )
    return party


@transaction.atomic
def update_party(
    actor: Actor, party: Party, data: Mapping[str, Any], expected_version: int | None
) -> Party:
    require(permissions.can_manage_parties(actor), "only managers and above manage parties")
    _unknown(data, (*PARTY_FIELDS, "custom_fields"))
    party = lock(party, expected_version)
    before = _party_snapshot(party)
    data = dict(data)
    if "custom_fields" in data:
        party.custom_fields = custom.clean_values(
            actor.organisation,
            "party",
            data.pop("custom_fields"),
            party.custom_fields,
            creating=False,
        )
    for field, value in data.items():
        setattr(party, field, value.strip() if field == "name" else value)
    _validate_party(actor, party)
    after = _party_snapshot(party)
    changes = diff(before, after) | custom.removed_entries(before, after)
    if not changes:
        return party
    bump(party)
    party.updated_at = timezone.now()
    party.save()
    record(actor, "updated", party, summary=f"Party {party.name} updated", changes=changes)
    return party


@transaction.atomic
def delete_party(actor: Actor, party: Party) -> None:
    require(permissions.can_manage_parties(actor), "only managers and above manage parties")
    if party.contracts.exists():
        raise ValidationFailed.one("party", "is named on contracts; remove it from them first")
    if party.guests.exists():
        raise ValidationFailed.one("party", "has guests; remove them from the organisation first")
    record(
        actor,
        "deleted",
        party,
        summary=f"Party {party.name} deleted",
        changes=diff(_party_snapshot(party), {}),
    )
    party.delete()


def _validate_contact(contact: Contact) -> None:
    errors = Errors()
    check_required_text(errors, "name", contact.name, 200)
    check_text(errors, "phone", contact.phone, 64)
    check_text(errors, "role", contact.role, 100)
    if contact.email:
        from django.core.exceptions import ValidationError
        from django.core.validators import validate_email

        try:
            validate_email(contact.email)
        except ValidationError:
            errors.add("email", f"{contact.email!r} is not an e-mail address")
    errors.raise_if_any()


@transaction.atomic
def add_contact(actor: Actor, party: Party, data: Mapping[str, Any]) -> Contact:
    require(permissions.can_manage_parties(actor), "only managers and above manage parties")
    _unknown(data, CONTACT_FIELDS)
    contact = Contact(party=party, **data)
    _validate_contact(contact)
    contact.save()
    record(
        actor,
        "contact_added",
        party,
        summary=f"Contact {contact.name} added to {party.name}",
        changes=diff({}, {f: getattr(contact, f) for f in CONTACT_FIELDS}),
    )
    return contact


@transaction.atomic
def update_contact(actor: Actor, contact: Contact, data: Mapping[str, Any]) -> Contact:
    require(permissions.can_manage_parties(actor), "only managers and above manage parties")
    _unknown(data, CONTACT_FIELDS)
    before = {f: getattr(contact, f) for f in CONTACT_FIELDS}
    for field, value in data.items():
        setattr(contact, field, value)
    _validate_contact(contact)
    contact.save()
    record(
        actor,
        "contact_updated",
        contact.party,
        summary=f"Contact {contact.name} updated",
        changes=diff(before, {f: getattr(contact, f) for f in CONTACT_FIELDS}),
    )
    return contact


@transaction.atomic
def delete_contact(actor: Actor, contact: Contact) -> None:
    require(permissions.can_manage_parties(actor), "only managers and above manage parties")
    record(
        actor,
        "contact_removed",
        contact.party,
        summary=f"Contact {contact.name} removed from {contact.party.name}",
    )
    contact.delete()


# --- contracts --------------------------------------------------------------------------------


def contract_snapshot(contract: Contract) -> dict[str, Any]:
    snap = {f: getattr(contract, f) for f in CONTRACT_FIELDS}
    if contract.pk:
        snap["party_ids"] = sorted(contract.parties.values_list("pk", flat=True))
        snap["tags"] = sorted(contract.tags.values_list("name", flat=True))
    snap.update(custom.audit_entries(contract.custom_fields))
    return snap


def _validate_contract(actor: Actor, contract: Contract) -> None:
    errors = Errors()
    check_required_text(errors, "number", contract.number, 64)
    check_required_text(errors, "title", contract.title, 300)
    check_text(errors, "description", contract.description, 20000)
    check_text(errors, "external_id", contract.external_id, 100)
    check_currency(errors, "currency", contract.currency)
    check_time_zone(errors, "time_zone", contract.time_zone)
    check_money(errors, "value", contract.value)
    for field in DATE_FIELDS:
        check_date(errors, field, getattr(contract, field))
    if not isinstance(contract.restricted, bool):
        errors.add("restricted", "must be true or false")
    if contract.status not in ContractStatus.values:
        errors.add("status", f"must be one of {', '.join(ContractStatus.values)}")
    if (
        "start_on" not in errors
        and "end_on" not in errors
        and contract.start_on
        and contract.end_on
        and contract.end_on < contract.start_on
    ):
        errors.add("end_on", "must not be before the start date")
    notice = contract.notice_period_days
    if notice is not None and (
        not isinstance(notice, int)
        or isinstance(notice, bool)
        or not 0 <= notice <= MAX_NOTICE_DAYS
    ):
        errors.add(
            "notice_period_days", f"must be a whole number of days from 0 to {MAX_NOTICE_DAYS}"
        )
    if not isinstance(contract.workweek, int) or not 0 < contract.workweek < 128:
        errors.add(
            "workweek", "must name at least one working day (bits: Monday = 1 ... Sunday = 64)"
        )
    from pactline.reports.money import check_terms

    check_terms(errors, contract, contract_level=True)
    for field, message in validate_calendar(
        contract.calendar_country, contract.calendar_subdivision
    ).items():
        errors.add(field, message)
    if (
        contract.owner_id is not None
        and not Membership.objects.filter(
            organisation=actor.organisation, user_id=contract.owner_id
        )
        .exclude(role="guest")
        .exists()
    ):
        errors.add("owner_id", "is not a member of this organisation")
    # All contracts, restricted ones included: the number is unique in the organisation.
    if contract.number and (
        Contract.objects.filter(organisation=actor.organisation, number=contract.number.strip())
        .exclude(pk=contract.pk)
        .exists()
    ):
        errors.add("number", f"contract number {contract.number!r} is already used")
    errors.raise_if_any()


def _resolve_parties(actor: Actor, party_ids: Iterable[int]) -> list[Party]:
    ids = list(dict.fromkeys(party_ids))
    found = list(permissions.visible_parties(actor).filter(pk__in=ids))
    missing = sorted(set(ids) - {p.pk for p in found})
    if missing:
        raise ValidationFailed.one("party_ids", f"unknown party ids: {missing}")
    return found


def _resolve_tags(actor: Actor, names: Iterable[str]) -> list[Tag]:
    cleaned = list(dict.fromkeys(n.strip() for n in names if n and n.strip()))
    errors = Errors()
    for name in cleaned:
        if len(name) > 50:
            errors.add("tags", f"tag {name[:20]!r}... is longer than 50 characters")
    errors.raise_if_any()
    tags = []
    for name in cleaned:
        tag, _ = Tag.objects.get_or_create(organisation=actor.organisation, name=name)
        tags.append(tag)
    return tags


def _normalise(data: dict[str, Any]) -> dict[str, Any]:
    for key in ("number", "title"):
        if isinstance(data.get(key), str):
            data[key] = data[key].strip()
    if isinstance(data.get("currency"), str):
        data["currency"] = data["currency"].strip().upper()
    if isinstance(data.get("calendar_country"), str):
        data["calendar_country"] = data["calendar_country"].strip().upper()
    if isinstance(data.get("calendar_subdivision"), str):
        data["calendar_subdivision"] = data["calendar_subdivision"].strip().upper()
    for key in ("value", "penalty_rate", "penalty_cap"):
        if data.get(key) is not None:
            data[key] = Decimal(str(data[key]))
    return data


CONTRACT_INPUT = (*CONTRACT_FIELDS, "party_ids", "tags", "custom_fields")


@transaction.atomic
def create_contract(
    actor: Actor, data: Mapping[str, Any], template_id: int | None = None
) -> Contract:
    require(permissions.can_manage_contracts(actor), "only managers and above create contracts")
    _unknown(data, CONTRACT_INPUT)
    fields = _normalise(dict(data))
    party_ids = fields.pop("party_ids", None) or []
    tag_names = fields.pop("tags", None) or []
    values = fields.pop("custom_fields", None)
    fields.setdefault("currency", actor.organisation.default_currency)
    fields.setdefault("time_zone", actor.organisation.default_time_zone)
    if "owner_id" not in fields and actor.user_id is not None:
        fields["owner_id"] = actor.user_id
    contract = Contract(organisation=actor.organisation, **fields)
    _validate_contract(actor, contract)
    contract.custom_fields = custom.clean_values(
        actor.organisation, "contract", values, creating=True
    )
    parties = _resolve_parties(actor, party_ids)
    tags = _resolve_tags(actor, tag_names)
    contract.save()
    contract.parties.set(parties)
    contract.tags.set(tags)
    record(
        actor,
        "created",
        contract,
        contract_id=contract.pk,
        summary=f"Contract {contract.number} created",
        changes=diff({}, contract_snapshot(contract)),
    )
    if contract.restricted:
        _keep_in_sight(actor, contract)
    if template_id is not None:
        from pactline.milestones.services import apply_template

        apply_template(actor, contract, template_id)
    return contract


@transaction.atomic
def update_contract(
    actor: Actor, contract: Contract, data: Mapping[str, Any], expected_version: int | None
) -> Contract:
    require(permissions.can_manage_contracts(actor), "only managers and above change contracts")
    _unknown(data, CONTRACT_INPUT)
    contract = lock(contract, expected_version)
    before = contract_snapshot(contract)
    fields = _normalise(dict(data))
    party_ids = fields.pop("party_ids", None)
    tag_names = fields.pop("tags", None)
    if "custom_fields" in fields:
        contract.custom_fields = custom.clean_values(
            actor.organisation,
            "contract",
            fields.pop("custom_fields"),
            contract.custom_fields,
            creating=False,
        )
    for field, value in fields.items():
        setattr(contract, field, value)
    _validate_contract(actor, contract)
    if party_ids is not None:
        contract.parties.set(_resolve_parties(actor, party_ids))
    if tag_names is not None:
        contract.tags.set(_resolve_tags(actor, tag_names))
    after = contract_snapshot(contract)
    changes = diff(before, after) | custom.removed_entries(before, after)
    if not changes:
        return contract
    bump(contract)
    contract.updated_at = timezone.now()
    contract.save()
    if before.get("currency") != contract.currency:
        # The milestones' copy of the currency (reports group payments by it).
        contract.milestones.update(currency=contract.currency)
    verb = "status_changed" if set(changes) == {"status"} else "updated"
    record(
        actor,
        verb,
        contract,
        contract_id=contract.pk,
        summary=f"Contract {contract.number} {verb.replace('_', ' ')}",
        changes=changes,
    )
    if "restricted" in changes and contract.restricted:
        _keep_in_sight(actor, contract)
    schedule_inputs = {
        *DATE_FIELDS,
        "calendar_country",
        "calendar_subdivision",
        "workweek",
        "value",
    }
    if schedule_inputs & set(changes):
        from pactline.milestones.services import recompute_contract

        moved = ", ".join(
            f"{k} {v['before'] or 'unset'} -> {v['after'] or 'unset'}"
            for k, v in changes.items()
            if k in schedule_inputs
        )
        recompute_contract(actor, contract, reason=f"contract changed: {moved}")
    return contract


def close_contract(
    actor: Actor, contract: Contract, status: str, expected_version: int | None
) -> Contract:
    if status not in (ContractStatus.COMPLETED, ContractStatus.TERMINATED):
        raise ValidationFailed.one("status", "a contract closes as completed or terminated")
    return update_contract(actor, contract, {"status": status}, expected_version)


@transaction.atomic
def delete_contract(actor: Actor, contract: Contract) -> None:
    require(permissions.at_least(actor, permissions.Role.ADMIN), "only admins delete contracts")
    record(
        actor,
        "deleted",
        contract,
        contract_id=contract.pk,
        summary=f"Contract {contract.number} deleted",
        changes=diff(contract_snapshot(contract), {}),
    )
    if contract.restricted:  # its history stays restricted (access and collaboration)
        remnant = RestrictedRemnant.objects.create(
            organisation=actor.organisation, contract_id=contract.pk, number=contract.number
        )
        RestrictedRemnantMember.objects.bulk_create(
            RestrictedRemnantMember(remnant=remnant, user_id=user_id)
            for user_id in contract.members.values_list("user_id", flat=True)
        )
    contract.delete()


# --- named members of restricted contracts ----------------------------------------------------


def _keep_in_sight(actor: Actor, contract: Contract) -> None:
    """Restricting a contract names the person restricting it and its owner, so neither loses
    sight of it (admins and owners see it anyway)."""
    for user_id in (actor.user_id, contract.owner_id):
        if user_id is None:
            continue
        if user_id == actor.user_id and permissions.can_see_restricted(actor):
            continue
        if not contract.members.filter(user_id=user_id).exists():
            _add_member(actor, contract, user_id)


def _add_member(actor: Actor, contract: Contract, user_id: int) -> ContractMember:
    member = ContractMember.objects.create(
        organisation=actor.organisation, contract=contract, user_id=user_id
    )
    email = member.user.email
    record(
        actor,
        "member_added",
        contract,
        contract_id=contract.pk,
        summary=f"{email} named on restricted contract {contract.number}",
        changes={"member": {"before": None, "after": email}},
    )
    return member


@transaction.atomic
def add_contract_member(actor: Actor, contract: Contract, user_id: int) -> ContractMember:
    """Name a person on a contract: while it is restricted, they (still) see it."""
    require(
        permissions.can_manage_contract_members(actor),
        "only managers and above name the members of a restricted contract",
    )
    if not Membership.objects.filter(organisation=actor.organisation, user_id=user_id).exists():
        raise ValidationFailed.one("user_id", "is not a member of this organisation")
    found = contract.members.filter(user_id=user_id).first()
    if found is not None:
        return found
    return _add_member(actor, contract, user_id)


@transaction.atomic
def remove_contract_member(actor: Actor, contract: Contract, user_id: int) -> None:
    require(
        permissions.can_manage_contract_members(actor),
        "only managers and above name the members of a restricted contract",
    )
    member = contract.members.select_related("user").filter(user_id=user_id).first()
    if member is None:
        raise ValidationFailed.one("user_id", "is not named on this contract")
    email = member.user.email
    member.delete()
    record(
        actor,
        "member_removed",
        contract,
        contract_id=contract.pk,
        summary=f"{email} no longer named on contract {contract.number}",
        changes={"member": {"before": email, "after": None}},
    )

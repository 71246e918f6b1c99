"""Import fields, and which spreadsheet column feeds which field.

A mapping is a dict {header: field}; a field of "" (or a header left out) ignores the column.
Suggestions compare headers without case, spaces or punctuation ("Due date", "DUE_DATE" and
"due-date" are the same).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pactline.transfer.importing.values import squash


@dataclass(frozen=True)
class Field:
    label: str
    kind: str  # text, int, date, money, currency, email, contract_status, milestone_status, ...
    max_length: int = 0
    aliases: tuple[str, ...] = ()


F = Field
FIELDS: dict[str, Field] = {
    "contract_id": F("Pactline contract id", "int", aliases=("pactline contract id",)),
    "contract_external_id": F(
        "Contract external id",
        "text",
        100,
        ("contract external id", "contract id", "external id", "contract uid", "contract key"),
    ),
    "contract_number": F(
        "Contract number",
        "text",
        64,
        (
            "contract number",
            "contract no",
            "contract nr",
            "contract num",
            "contract #",
            "contract ref",
            "contract reference",
            "contract",
            "agreement number",
            "agreement no",
            "agreement",
            "reference",
            "ref",
            "number",
            "po number",
            "purchase order",
        ),
    ),
    "contract_title": F(
        "Contract title",
        "text",
        300,
        (
            "contract title",
            "contract name",
            "title",
            "name",
            "project",
            "project name",
            "agreement title",
            "subject",
        ),
    ),
    "contract_description": F(
        "Contract description", "text", 20000, ("contract description", "contract notes", "scope")
    ),
    "party": F(
        "Party",
        "party",
        200,
        (
            "party",
            "parties",
            "counterparty",
            "vendor",
            "supplier",
            "client",
            "customer",
            "partner",
            "contractor",
            "vendor name",
            "supplier name",
            "client name",
            "customer name",
        ),
    ),
    "contract_owner": F(
        "Contract owner",
        "email",
        254,
        ("contract owner", "contract manager", "account manager", "contract owner email"),
    ),
    "contract_value": F(
        "Contract value",
        "money",
        aliases=(
            "contract value",
            "value",
            "total value",
            "contract amount",
            "total",
            "contract price",
            "price",
            "budget",
        ),
    ),
    "currency": F("Currency", "currency", aliases=("currency", "ccy", "cur", "currency code")),
    "contract_status": F("Contract status", "contract_status", aliases=("contract status",)),
    "start_date": F(
        "Start date",
        "date",
        aliases=(
            "start date",
            "start",
            "contract start",
            "start on",
            "commencement",
            "commencement date",
            "effective date",
            "begin",
            "begins",
        ),
    ),
    "end_date": F(
        "End date",
        "date",
        aliases=(
            "end date",
            "end",
            "contract end",
            "end on",
            "expiry",
            "expiry date",
            "expires",
            "expiration",
            "expiration date",
            "termination date",
        ),
    ),
    "signed_date": F(
        "Signed date",
        "date",
        aliases=(
            "signed date",
            "signed",
            "signed on",
            "signature date",
            "date signed",
            "execution date",
        ),
    ),
    "contract_version": F("Contract version", "int", aliases=("contract version",)),
    "milestone_id": F("Pactline milestone id", "int", aliases=("pactline milestone id",)),
    "milestone_external_id": F(
        "Milestone external id",
        "text",
        100,
        (
            "milestone external id",
            "milestone id",
            "task id",
            "milestone uid",
            "milestone ref",
            "milestone key",
        ),
    ),
    "milestone_title": F(
        "Milestone",
        "text",
        300,
        (
            "milestone",
            "milestone title",
            "milestone name",
            "deliverable",
            "task",
            "task name",
            "activity",
            "obligation",
            "event",
        ),
    ),
    "milestone_kind": F(
        "Milestone type",
        "milestone_kind",
        aliases=("milestone type", "type", "kind", "category", "milestone kind"),
    ),
    "milestone_description": F(
        "Milestone description",
        "text",
        20000,
        ("milestone description", "description", "details", "notes", "comments"),
    ),
    "due_date": F(
        "Due date",
        "date",
        aliases=(
            "due date",
            "due",
            "deadline",
            "due on",
            "date due",
            "target date",
            "milestone date",
            "date",
            "finish",
            "finish date",
            "planned date",
        ),
    ),
    "owner": F(
        "Owner",
        "email",
        254,
        (
            "owner",
            "milestone owner",
            "responsible",
            "assignee",
            "assigned to",
            "owner email",
            "responsible email",
            "resource",
            "resource names",
        ),
    ),
    "approver": F(
        "Approver",
        "email",
        254,
        (
            "approver",
            "approved by",
            "approver email",
            "reviewer",
            "sign off by",
            "signoff by",
            "accepted by",
        ),
    ),
    "amount": F(
        "Amount",
        "money",
        aliases=(
            "amount",
            "payment",
            "payment amount",
            "milestone amount",
            "milestone value",
            "invoice amount",
            "fee",
            "milestone payment",
        ),
    ),
    "milestone_status": F(
        "Milestone status", "milestone_status", aliases=("milestone status", "status", "state")
    ),
    "milestone_version": F("Milestone version", "int", aliases=("milestone version",)),
}
MULTI = frozenset({"party"})  # fields that several columns may feed (vendor and client...)
CONTRACT_KEYS = ("contract_id", "contract_external_id", "contract_number")
MILESTONE_KEYS = ("milestone_id", "milestone_external_id", "milestone_title")

_ALIASES: dict[str, str] = {}
# Explicit aliases first, then labels, then field names: "Contract id" is a user's own id
# (external), while "Pactline contract id" is ours.
for _pass in ("aliases", "label", "name"):
    for _name, _field in FIELDS.items():
        _names = {
            "aliases": _field.aliases,
            "label": (_field.label,),
            "name": (_name.replace("_", " "),),
        }[_pass]
        for _alias in _names:
            _ALIASES.setdefault(squash(_alias), _name)
            if _field.kind == "email":
                _ALIASES.setdefault(squash(_alias) + "email", _name)


def suggest_field(header: str, custom: Mapping[str, str] | None = None) -> str:
    """The field a header most likely feeds, or "" when unknown. `custom` (squashed custom
    field label or key -> import field, see `custom_aliases`) wins over our own aliases, not
    over our own labels."""
    squashed = squash(header)
    if custom and squashed in custom and squashed not in _LABELS:
        return custom[squashed]
    return _ALIASES.get(squashed, "")


def suggest_mapping(
    headers: Iterable[str], custom: Mapping[str, str] | None = None
) -> dict[str, str]:
    """{header: field} for the headers we recognise; each field taken once (party: many)."""
    taken: set[str] = set()
    mapping: dict[str, str] = {}
    for header in headers:
        field = suggest_field(header, custom)
        if field and (field in MULTI or field not in taken):
            mapping[header] = field
            taken.add(field)
    return mapping


def mapping_errors(
    mapping: Mapping[str, str],
    headers: Iterable[str] | None = None,
    custom: Iterable[str] | None = None,
) -> list[str]:
    """What is wrong with a mapping (unknown fields, a field fed twice, no contract key).

    Custom fields are `cf.contract.<key>` / `cf.milestone.<key>`: any such name passes when
    `custom` (the organisation's import names) is None (a saved mapping), else it must be one."""
    errors = []
    if not isinstance(mapping, Mapping):
        return ["the mapping must be an object of header: field"]
    seen: dict[str, str] = {}
    for header, field in mapping.items():
        if not isinstance(header, str) or not isinstance(field, str):
            errors.append("headers and fields must be text")
            continue
        if len(header) > 200:
            errors.append(f"header {header[:30]!r}… is longer than 200 characters")
        if field == "":
            continue
        if field.startswith(CUSTOM_PREFIX):
            known = CUSTOM_NAME.match(field) if custom is None else field in set(custom)
            if not known:
                errors.append(f"{header!r}: {field!r} is not a custom field of this organisation")
        elif field not in FIELDS:
            errors.append(f"{header!r}: {field!r} is not a field (known: {', '.join(FIELDS)})")
        elif field in seen and field not in MULTI:
            errors.append(f"{field!r} is fed by both {seen[field]!r} and {header!r}")
        seen.setdefault(field, header)
    if headers is not None:
        present = set(headers)
        errors += [f"column {h!r} is not in the file" for h in mapping if h not in present]
    if not errors and not set(seen) & set(CONTRACT_KEYS):
        errors.append("map a column to the contract number (or a contract id)")
    return errors


def party_kind(header: str) -> str:
    """The kind of party a column holds, from its header ("Vendor" -> vendor)."""
    h = squash(header)
    for words, kind in (
        (("vendor", "supplier", "contractor"), "vendor"),
        (("client", "customer"), "client"),
        (("partner",), "partner"),
    ):
        if any(w in h for w in words):
            return kind
    return "other"


# --- custom fields ----------------------------------------------------------------------------

CUSTOM_PREFIX = "cf."
CUSTOM_NAME = re.compile(r"^cf\.(contract|milestone)\.[a-z][a-z0-9_]{0,49}$")
_LABELS = {squash(f.label) for f in FIELDS.values()}


def custom_name(object_type: str, key: str) -> str:
    return f"{CUSTOM_PREFIX}{object_type}.{key}"


def custom_import_fields(organisation_id: int) -> dict[str, Any]:
    """{import field: CustomField} of the organisation's contract and milestone fields."""
    from pactline.customfields.models import CustomField

    rows = CustomField.objects.filter(
        organisation_id=organisation_id, object_type__in=("contract", "milestone")
    ).order_by("object_type", "position", "pk")
    return {custom_name(f.object_type, f.key): f for f in rows}


def custom_aliases(fields: Mapping[str, Any]) -> dict[str, str]:
    """Squashed headers that name a custom field: its key, its label, "<type> <label>"; a label
    that both a contract and a milestone field carry goes to the contract's."""
    out: dict[str, str] = {}
    for name, field in fields.items():
        for alias in (
            f"{field.object_type} {field.label}",
            f"{field.object_type} {field.key}",
            field.label,
            field.key,
        ):
            out.setdefault(squash(alias), name)
    return out

"""Turn drafts into changes: resolve people and money, compare with what exists, check."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from pactline.milestones.models import MilestoneStatus
from pactline.transfer.importing.build import Builder, Draft
from pactline.transfer.importing.existing import NUMBER_UNAVAILABLE
from pactline.transfer.importing.transitions import status_path
from pactline.transfer.importing.types import Change, Conflict
from pactline.transfer.importing.values import Money

PERSON = {"owner_id": ("contract_owner", "owner"), "approver_id": ("approver",)}


def build_changes(b: Builder) -> None:
    for draft in b.contracts.values():
        _people(b, draft, "contract")
        change = _contract_change(b, draft)
        if change is not None:
            b.preview.contracts.append(change)
    for draft in b.milestones.values():
        _people(b, draft, "milestone")
        contract = b.contracts[draft.contract_key]
        currency = contract.values.get("currency") or (
            contract.existing["currency"] if contract.existing else b.default_currency
        )
        change = _milestone_change(b, draft, contract, currency)
        if change is not None:
            b.preview.milestones.append(change)


def _people(b: Builder, draft: Draft, kind: str) -> None:
    for target in ("owner_id", "approver_id"):
        email = draft.values.get(target)
        if email is None:
            continue
        user_id = b.existing.members.get(email)
        if user_id is None:
            name = PERSON[target][0] if kind == "contract" else PERSON[target][-1]
            b.problem(
                draft.seen_on[target],
                name,
                email,
                f"no member of {b.org_name} has this e-mail address",
            )
            draft.values.pop(target)
        else:
            draft.values[target] = user_id


def _shown(b: Builder, name: str, value: Any) -> Any:
    if name in PERSON and value is not None:
        return b.existing.emails.get(value, f"user #{value}")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _equal(old: Any, new: Any) -> bool:
    if isinstance(old, Decimal) or isinstance(new, Decimal):
        return old is not None and new is not None and Decimal(old) == Decimal(new)
    return bool(old == new) or (old in (None, "") and new in (None, ""))


def _diff(b: Builder, draft: Draft) -> tuple[dict[str, Any], dict[str, tuple[Any, Any]]]:
    data: dict[str, Any] = {}
    changes: dict[str, tuple[Any, Any]] = {}
    for name, new in draft.values.items():
        if name == "custom_fields":
            _diff_custom(draft, new, data, changes)
            continue
        old = draft.existing[name] if draft.existing else None
        if draft.existing is None or not _equal(old, new):
            data[name] = new
            if draft.existing is not None:
                changes[name] = (_shown(b, name, old), _shown(b, name, new))
    return data, changes


def _diff_custom(
    draft: Draft,
    new: dict[str, Any],
    data: dict[str, Any],
    changes: dict[str, tuple[Any, Any]],
) -> None:
    """Only the custom field values that differ go to the service (and the preview)."""
    old = (draft.existing or {}).get("custom_fields") or {}
    changed = {k: v for k, v in new.items() if draft.existing is None or old.get(k) != v}
    if changed:
        data["custom_fields"] = changed
    if draft.existing is not None:
        for key, value in changed.items():
            changes[f"custom_fields.{key}"] = (old.get(key), value)


def _money(draft: Draft, name: str) -> str | None:
    money = draft.values.get(name)
    if isinstance(money, Money):
        draft.values[name] = money.amount
        return money.currency
    return None


def _contract_change(b: Builder, draft: Draft) -> Change | None:
    symbol = _money(draft, "value")
    if symbol and "currency" not in draft.values:
        draft.values["currency"] = symbol
        draft.seen_on["currency"] = draft.seen_on["value"]
    elif draft.existing is None and draft.amount_currency and "currency" not in draft.values:
        draft.values["currency"] = draft.amount_currency
        draft.seen_on["currency"] = draft.row
    elif symbol and draft.values["currency"] != symbol:
        b.problem(
            draft.seen_on["value"],
            "contract_value",
            symbol,
            f"the amount is in {symbol} but the contract's currency is {draft.values['currency']}",
        )
        return None
    data, changes = _diff(b, draft)
    ex = draft.existing
    if ex is None and not draft.values.get("title"):
        b.problem(draft.row, "contract_title", "", "a new contract needs a title")
        return None
    start = draft.values.get("start_on", ex["start_on"] if ex else None)
    end = draft.values.get("end_on", ex["end_on"] if ex else None)
    if isinstance(start, date) and isinstance(end, date) and end < start:
        b.problem(
            draft.seen_on.get("end_on", draft.row),
            "end_date",
            end.isoformat(),
            f"is before the start date {start.isoformat()}",
        )
        return None
    taken = b.existing.by_number.keys() | b.existing.unavailable_numbers
    if "number" in data and ex is not None and str(data["number"]).strip() in taken:
        b.problem(draft.seen_on["number"], "contract_number", data["number"], NUMBER_UNAVAILABLE)
        return None
    parties = None
    if draft.parties is not None:
        old = b.existing.contract_parties.get(ex["pk"], set()) if ex else set()
        if {n.lower() for n in old} != set(draft.parties):
            parties = sorted(draft.parties.values())
            if ex is not None:
                changes["parties"] = ("; ".join(sorted(old)), "; ".join(parties))
        for lower, name in draft.parties.items():
            if lower not in b.existing.parties and lower not in b.new_parties:
                b.new_parties.add(lower)
                b.preview.new_parties[name] = draft.party_kinds[lower]
    return _finish(b, draft, "contract", data, changes, parties=parties)


def _finish(
    b: Builder,
    draft: Draft,
    kind: str,
    data: dict[str, Any],
    changes: dict[str, tuple[Any, Any]],
    **extra: Any,
) -> Change:
    ex = draft.existing
    action = "create" if ex is None else ("update" if changes else "unchanged")
    change = Change(
        kind=kind,
        action=action,
        row=draft.row,
        label=draft.label,  # type: ignore[arg-type]
        pk=ex["pk"] if ex else None,
        version=ex["version"] if ex else None,
        data=data if action != "unchanged" else {},
        changes=changes,
        key=draft.key,
        contract_key=draft.contract_key,
        **extra,
    )
    if action == "update" and draft.version is not None and draft.version[1] != ex["version"]:  # type: ignore[index]
        change.conflict = True
        b.preview.conflicts.append(
            Conflict(
                draft.version[0],
                kind,
                draft.label,
                draft.version[1],
                ex["version"],
                change.describe(),
            )
        )  # type: ignore[index]
    return change


def _milestone_change(
    b: Builder, draft: Draft, contract: Draft, currency: str | None
) -> Change | None:
    symbol = _money(draft, "payment_amount")
    if symbol and currency and symbol != currency:
        b.problem(
            draft.seen_on["payment_amount"],
            "amount",
            symbol,
            f"the amount is in {symbol} but the contract's currency is {currency}",
        )
        return None
    ex = draft.existing
    if (
        ex is not None
        and "due_date" in draft.values
        and ex["due_anchor"] != "absolute"
        and draft.values["due_date"] != ex["due_date"]
    ):
        draft.values["due_anchor"] = "absolute"
    if (
        ex is not None
        and ex["payment_share"] is not None
        and "payment_amount" in draft.values
        and not _equal(ex["payment_amount"], draft.values["payment_amount"])
    ):
        draft.values["payment_share"] = None
    data, changes = _diff(b, draft)
    status = None
    current = ex["status"] if ex else MilestoneStatus.PLANNED.value
    if draft.status is not None and draft.status != current:
        approver = draft.values.get("approver_id", ex["approver_id"] if ex else None)
        if status_path(current, draft.status, approver is not None) is None:
            b.problem(
                draft.seen_on.get("status", draft.row),
                "milestone_status",
                draft.status,
                f"cannot move from {current} to {draft.status}"
                + ("" if approver else " without an approver"),
            )
            return None
        status = draft.status
        if ex is not None:
            changes["status"] = (current, status)
    return _finish(b, draft, "milestone", data, changes, status=status)

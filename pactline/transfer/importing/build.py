"""From typed rows to a plan: match rows to contracts and milestones, diff, and check."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pactline.transfer.importing.existing import NUMBER_UNAVAILABLE, Existing
from pactline.transfer.importing.mapping import FIELDS
from pactline.transfer.importing.rows import RowRecord
from pactline.transfer.importing.types import Preview, Problem, shown
from pactline.transfer.importing.values import Money

# import field -> service field
CONTRACT_MAP = {
    "contract_number": "number",
    "contract_title": "title",
    "contract_description": "description",
    "contract_external_id": "external_id",
    "contract_owner": "owner_id",
    "contract_value": "value",
    "currency": "currency",
    "contract_status": "status",
    "start_date": "start_on",
    "end_date": "end_on",
    "signed_date": "signed_on",
}
MILESTONE_MAP = {
    "milestone_title": "title",
    "milestone_external_id": "external_id",
    "milestone_kind": "kind",
    "milestone_description": "description",
    "due_date": "due_date",
    "owner": "owner_id",
    "approver": "approver_id",
    "amount": "payment_amount",
}
PERSON_FIELDS = {"contract_owner", "owner", "approver"}


@dataclass(slots=True)
class Draft:
    """One contract or milestone as the rows describe it."""

    key: str
    row: int
    existing: dict[str, Any] | None
    values: dict[str, Any] = field(default_factory=dict)  # service field -> value
    seen_on: dict[str, int] = field(default_factory=dict)  # service field -> first row
    version: tuple[int, int] | None = None  # (row, version in the file)
    parties: dict[str, str] | None = None  # lower name -> (name) when the file names parties
    party_kinds: dict[str, str] = field(default_factory=dict)
    status: str | None = None
    contract_key: str = ""
    label: str = ""
    amount_currency: str | None = None  # contract: first currency symbol of its milestones


class Builder:
    def __init__(
        self,
        preview: Preview,
        existing: Existing,
        columns: dict[str, str],
        org_name: str,
        default_currency: str,
    ) -> None:
        self.preview = preview
        self.existing = existing
        self.columns = columns  # import field -> header, for problem reports
        self.org_name = org_name
        self.default_currency = default_currency
        self.contracts: dict[str, Draft] = {}
        self.milestones: dict[str, Draft] = {}
        self.new_parties: set[str] = set()  # lower-case names of parties to create

    def problem(self, row: int, name: str | None, value: object, reason: str) -> None:
        column = (
            self.columns.get(name, FIELDS[name].label if name in FIELDS else name) if name else None
        )
        self.preview.add_problem(Problem(row, column, shown(value), reason))

    # --- rows -----------------------------------------------------------------------------------

    def add(self, record: RowRecord) -> None:
        v = record.values
        contract = self._contract_for(record)
        if contract is None:
            return
        title_if_new = v.pop("contract_title_if_new", None)  # project plans
        if title_if_new and contract.existing is None and "contract_title" not in v:
            v["contract_title"] = title_if_new
        self._merge(contract, record, CONTRACT_MAP, "contract_version")
        _merge_custom(contract, record, "cf.contract.")
        for name, kind in v.get("party", []):
            contract.parties = contract.parties if contract.parties is not None else {}
            contract.parties.setdefault(name.lower(), name)
            contract.party_kinds.setdefault(name.lower(), kind)
        if any(k in v for k in ("milestone_id", "milestone_external_id", "milestone_title")):
            milestone = self._milestone_for(record, contract)
            if milestone is not None:
                self._merge(milestone, record, MILESTONE_MAP, "milestone_version")
                _merge_custom(milestone, record, "cf.milestone.")
                if "milestone_status" in v:
                    milestone.status = v["milestone_status"]
                    milestone.seen_on["status"] = record.row
                amount = v.get("amount")
                if isinstance(amount, Money) and contract.amount_currency is None:
                    contract.amount_currency = amount.currency
        elif any(k in v for k in (*MILESTONE_MAP, "milestone_status")):
            self.problem(
                record.row,
                "milestone_title",
                "",
                "milestone values without a milestone title (or id) to attach them to",
            )

    def _contract_for(self, record: RowRecord) -> Draft | None:
        v, ex = record.values, self.existing
        found: dict[str, Any] | None = None
        if "contract_id" in v:
            found = ex.contracts.get(v["contract_id"])
            if found is None:
                self.problem(
                    record.row,
                    "contract_id",
                    v["contract_id"],
                    "no contract of this organisation has this id",
                )
                return None
        elif "contract_external_id" in v and v["contract_external_id"] in ex.by_external:
            matches = ex.by_external[v["contract_external_id"]]
            if len(matches) > 1:
                self.problem(
                    record.row,
                    "contract_external_id",
                    v["contract_external_id"],
                    f"{len(matches)} contracts have this external id",
                )
                return None
            found = matches[0]
        elif "contract_number" in v:
            found = ex.by_number.get(v["contract_number"])
        else:
            self.problem(record.row, "contract_number", "", "no contract number or id")
            return None
        key = f"pk:{found['pk']}" if found else f"new:{v.get('contract_number', '')}"
        if found is None and "contract_number" not in v:
            self.problem(record.row, "contract_number", "", "a new contract needs a number")
            return None
        if found is None and str(v["contract_number"]).strip() in ex.unavailable_numbers:
            # Held by a contract the importer may not see: refused without saying so.
            number = v["contract_number"]
            self.problem(record.row, "contract_number", number, NUMBER_UNAVAILABLE)
            return None
        draft = self.contracts.get(key)
        if draft is None:
            label = found["number"] if found else v["contract_number"]
            draft = Draft(key=key, row=record.row, existing=found, label=label)
            self.contracts[key] = draft
        return draft

    def _milestone_for(self, record: RowRecord, contract: Draft) -> Draft | None:
        v = record.values
        siblings = (
            self.existing.milestones_of.get(contract.existing["pk"], [])
            if contract.existing
            else []
        )
        found: dict[str, Any] | None = None
        if "milestone_id" in v:
            found = next((m for m in siblings if m["pk"] == v["milestone_id"]), None)
            if found is None:
                self.problem(
                    record.row,
                    "milestone_id",
                    v["milestone_id"],
                    f"is not a milestone of contract {contract.label}",
                )
                return None
        else:
            for name, column in (
                ("milestone_external_id", "external_id"),
                ("milestone_title", "title"),
            ):
                if name not in v:
                    continue
                matches = [m for m in siblings if m[column] == v[name]]
                if len(matches) > 1:
                    self.problem(
                        record.row,
                        name,
                        v[name],
                        f"{len(matches)} milestones of "
                        f"{contract.label} have this {column.replace('_', ' ')}",
                    )
                    return None
                if matches:
                    found = matches[0]
                    break
        if found is None and "milestone_title" not in v:
            self.problem(record.row, "milestone_title", "", "a new milestone needs a title")
            return None
        key = (
            f"pk:{found['pk']}"
            if found
            else (
                f"{contract.key}/ext:{v['milestone_external_id']}"
                if "milestone_external_id" in v
                else f"{contract.key}/title:{v['milestone_title']}"
            )
        )
        if key in self.milestones:
            self.problem(
                record.row,
                "milestone_title",
                v.get("milestone_title", ""),
                f"the same milestone is already on row {self.milestones[key].row}",
            )
            return None
        title = found["title"] if found else v["milestone_title"]
        draft = Draft(
            key=key,
            row=record.row,
            existing=found,
            contract_key=contract.key,
            label=f"{contract.label} / {title}",
        )
        self.milestones[key] = draft
        return draft

    def _merge(
        self, draft: Draft, record: RowRecord, fields: dict[str, str], version_field: str
    ) -> None:
        for name, target in fields.items():
            if name not in record.values:
                continue
            value = record.values[name]
            if target in draft.values and not _same(draft.values[target], value):
                self.problem(
                    record.row,
                    name,
                    _plain(value),
                    f"differs from row {draft.seen_on[target]} "
                    f"({shown(_plain(draft.values[target]))}) for the same "
                    f"{'contract' if fields is CONTRACT_MAP else 'milestone'}",
                )
                continue
            draft.values[target] = value
            draft.seen_on.setdefault(target, record.row)
        if version_field in record.values and draft.version is None:
            draft.version = (record.row, record.values[version_field])


def _merge_custom(draft: Draft, record: RowRecord, prefix: str) -> None:
    """Custom field cells (already checked) into the draft's `custom_fields`; the first row
    naming the object gives the value."""
    for name, value in record.values.items():
        if name.startswith(prefix):
            draft.values.setdefault("custom_fields", {}).setdefault(name[len(prefix) :], value)


def _plain(value: Any) -> Any:
    return value.amount if isinstance(value, Money) else value


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, Money) and isinstance(b, Money):
        currencies = {a.currency, b.currency} - {None}
        return a.amount == b.amount and len(currencies) <= 1
    return bool(a == b)

"""From cells to typed field values, one row at a time, collecting problems as they come."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from pactline.contracts.models import ContractStatus
from pactline.milestones.models import MilestoneKind, MilestoneStatus
from pactline.transfer.importing.mapping import FIELDS, Field, party_kind
from pactline.transfer.importing.types import Problem, shown
from pactline.transfer.importing.values import (
    EXCEL_EPOCH,
    SYMBOLS,
    Ambiguous,
    Formula,
    as_text,
    date_evidence,
    parse_date,
    parse_int,
    parse_money,
    squash,
)
from pactline.transfer.limits import limit
from pactline.validation import currencies


def _choices(choices: Any, synonyms: dict[str, str]) -> dict[str, str]:
    table = {squash(v): v for v in choices.values}
    table.update({squash(label): value for value, label in choices.choices})
    table.update({squash(k): v for k, v in synonyms.items()})
    return table


CHOICES = {
    "contract_status": _choices(
        ContractStatus,
        {
            "open": "active",
            "live": "active",
            "signed": "active",
            "paused": "on_hold",
            "hold": "on_hold",
            "closed": "completed",
            "complete": "completed",
            "done": "completed",
            "cancelled": "terminated",
            "canceled": "terminated",
            "ended": "completed",
        },
    ),
    "milestone_status": _choices(
        MilestoneStatus,
        {
            "open": "planned",
            "not started": "planned",
            "todo": "planned",
            "to do": "planned",
            "pending": "planned",
            "started": "in_progress",
            "ongoing": "in_progress",
            "wip": "in_progress",
            "complete": "done",
            "completed": "done",
            "finished": "done",
            "closed": "done",
            "approved": "accepted",
            "canceled": "cancelled",
        },
    ),
    "milestone_kind": _choices(
        MilestoneKind,
        {
            "uat": "user_acceptance",
            "acceptance": "user_acceptance",
            "golive": "go_live",
            "deployment": "go_live",
            "kickoff": "initiation",
            "kick off": "initiation",
            "design": "design_approval",
            "invoice": "payment",
            "other": "custom",
        },
    ),
}


@dataclass(slots=True)
class RowRecord:
    row: int
    values: dict[str, Any]


@dataclass
class DateEvidence:
    """What the file's numeric dates say about day-first versus month-first."""

    dmy: tuple[int, str, str] | None = None  # (row, column, text) of the first proof
    mdy: tuple[int, str, str] | None = None
    ambiguous: tuple[int, str, str] | None = None


@dataclass
class Converter:
    mapping: dict[str, str]  # header -> field
    headers: list[str]
    date_order: str
    report: Callable[[Problem], None]
    epoch: datetime = EXCEL_EPOCH
    # CSV has no formula cells, but a program opening it runs text starting with "=" as one.
    text_formulas: bool = False
    evidence: DateEvidence = field(default_factory=DateEvidence)
    # The organisation's milestone types: key and name (squashed) -> key; None: the defaults.
    kinds: dict[str, str] | None = None
    # The organisation's custom fields by import name (cf.contract.<key>), checked per cell.
    custom: dict[str, Any] | None = None
    members: dict[str, int] | None = None
    default_currency: str = "EUR"

    def __post_init__(self) -> None:
        custom = self.custom or {}
        self.columns = [
            (index, header, name, FIELDS.get(name) or Field(custom[name].label, "custom"))
            for index, header in enumerate(self.headers)
            if (name := self.mapping.get(header)) and (name in FIELDS or name in custom)
        ]
        self.max_cell = limit("PACTLINE_IMPORT_MAX_CELL")

    def convert(self, row_no: int, cells: list[object]) -> RowRecord | None:
        """The row's values, or None when a cell of it has a problem (already reported)."""
        ok = self._check_sizes(row_no, cells)
        values: dict[str, Any] = {}
        for index, header, name, spec in self.columns:
            raw = cells[index]
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                continue
            if isinstance(raw, Formula) or (
                self.text_formulas and isinstance(raw, str) and raw.startswith("=")
            ):
                self.report(
                    Problem(
                        row_no,
                        header,
                        shown(raw),
                        "is a formula; formulas are "
                        "not evaluated on import: paste the values instead",
                    )
                )
                ok = False
                continue
            try:
                if spec.kind == "custom":
                    value = self._custom(name, raw)
                else:
                    value = self._value(row_no, header, spec.kind, spec.max_length, raw)
            except ValueError as exc:
                self.report(Problem(row_no, header, shown(raw), str(exc)))
                ok = False
                continue
            if name == "party":
                values.setdefault("party", []).extend((n, party_kind(header)) for n in value)
            else:
                values[name] = value
        return RowRecord(row_no, values) if ok else None

    def _custom(self, name: str, raw: object) -> Any:
        """A custom field's cell, checked against its definition (the problem names the
        column); the stored form goes to the service, which checks it again."""
        from pactline.customfields import values as cfv

        definition = (self.custom or {})[name]
        kind = definition.field_type
        if isinstance(raw, datetime) and kind == "date":
            raw = raw.date()
        elif isinstance(raw, str) or (
            kind in ("text", "long_text", "choice", "url", "user") and not isinstance(raw, bool)
        ):
            raw = as_text(raw)
        return cfv.clean(
            definition, raw, members=self.members, default_currency=self.default_currency
        )

    def _check_sizes(self, row_no: int, cells: list[object]) -> bool:
        ok = True
        for index, cell in enumerate(cells):
            if isinstance(cell, str) and len(cell) > self.max_cell:
                self.report(
                    Problem(
                        row_no,
                        self.headers[index],
                        shown(cell, 30),
                        f"the cell holds {len(cell):,} characters; at most "
                        f"{self.max_cell:,} are accepted",
                    )
                )
                ok = False
        return ok

    def _value(self, row_no: int, header: str, kind: str, max_length: int, raw: object) -> Any:
        if kind == "date":
            return self._date(row_no, header, raw)
        if kind == "money":
            return parse_money(raw)
        if kind == "int":
            return parse_int(raw)
        text = as_text(raw)
        if kind == "milestone_kind" and self.kinds is not None:
            return _kind(self.kinds, text)
        if kind in CHOICES:
            return _choice(kind, text)
        if kind == "currency":
            return _currency(text)
        if kind == "email":
            return text.lower()
        if kind == "party":
            names = [n.strip() for n in text.split(";") if n.strip()]
            if any(len(n) > max_length for n in names):
                raise ValueError(f"a party name is longer than {max_length} characters")
            return names
        if max_length and len(text) > max_length:
            raise ValueError(f"is longer than {max_length} characters")
        return text

    def _date(self, row_no: int, header: str, raw: object) -> date | Ambiguous:
        value = parse_date(raw, self.date_order, self.epoch)
        if self.date_order == "auto" and isinstance(raw, str):
            if isinstance(value, Ambiguous):
                if self.evidence.ambiguous is None:
                    self.evidence.ambiguous = (row_no, header, raw.strip())
            elif (order := date_evidence(raw)) is not None and getattr(
                self.evidence, order
            ) is None:
                setattr(self.evidence, order, (row_no, header, raw.strip()))
        return value


def _choice(kind: str, text: str) -> str:
    found = CHOICES[kind].get(squash(text))
    if found is None:
        allowed = sorted(set(CHOICES[kind].values()))
        raise ValueError(f"is not one of {', '.join(allowed)}")
    return found


def kind_table(types: list[tuple[str, str]]) -> dict[str, str]:
    """Cell text -> type key: the organisation's (active) types by key and name, and the
    default synonyms ("UAT", "kick-off") where they name one of those types."""
    keys = {key for key, _ in types}
    table = {k: v for k, v in CHOICES["milestone_kind"].items() if v in keys}
    table.update({squash(key): key for key in keys})
    table.update({squash(name): key for key, name in types})
    return table


def _kind(table: dict[str, str], text: str) -> str:
    found = table.get(squash(text))
    if found is None:
        raise ValueError(f"is not one of {', '.join(sorted(set(table.values())))}")
    return found


def _currency(text: str) -> str:
    code = SYMBOLS.get(text.strip().lower(), text.strip().upper())
    if code not in currencies():
        raise ValueError("is not an ISO 4217 currency code (e.g. EUR, USD, GBP)")
    return code

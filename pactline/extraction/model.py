"""The extraction vocabulary: spans, durations, rules and proposals.

Plain dataclasses, no Django: the engine runs in a worker, a CLI or a test without a database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from pactline.milestones.scheduling import Anchor, Unit


class Field(StrEnum):
    AGREEMENT_DATE = "agreement_date"
    EFFECTIVE_DATE = "effective_date"
    EXPIRATION_DATE = "expiration_date"
    RENEWAL_TERM = "renewal_term"
    NOTICE_PERIOD = "notice_period"
    NOTICE_DEADLINE = "notice_deadline"  # last day to give notice of non-renewal
    OBLIGATION = "obligation"


KEY_FIELDS = (
    Field.AGREEMENT_DATE,
    Field.EFFECTIVE_DATE,
    Field.EXPIRATION_DATE,
    Field.RENEWAL_TERM,
    Field.NOTICE_PERIOD,
)

PERPETUAL = "perpetual"


@dataclass(frozen=True)
class Span:
    """A quote from the text: `text == source[start:end]`."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Duration:
    """A length of time as the contract states it: "five (5) years" -> Duration(5, "years")."""

    amount: int
    unit: str  # "days", "business days", "weeks", "months", "years"

    def __str__(self) -> str:
        unit = self.unit[:-1] if self.amount == 1 else self.unit
        return f"{self.amount} {unit}"

    @property
    def scheduling_unit(self) -> tuple[int, Unit]:
        """The same length in the deadline engine's units (years become months)."""
        if self.unit == "years":
            return self.amount * 12, Unit.MONTHS
        if self.unit == "months":
            return self.amount, Unit.MONTHS
        if self.unit == "weeks":
            return self.amount, Unit.WEEKS
        if self.unit == "business days":
            return self.amount, Unit.WORKING_DAYS
        return self.amount, Unit.CALENDAR_DAYS


@dataclass(frozen=True)
class Rule:
    """A relative deadline: `offset` `unit` after (or before, when negative) an anchor.

    `anchor` uses the deadline engine's vocabulary where the event is a contract date; other
    events ("acceptance", "receipt of invoice") are Anchor.MILESTONE with `event` naming them.
    """

    anchor: Anchor
    offset: int
    unit: Unit
    event: str = ""

    def describe(self) -> str:
        sign = "+" if self.offset >= 0 else "-"
        what = self.event or self.anchor.label.lower()
        return f"{what} {sign} {abs(self.offset)} {self.unit.label}"


Value = date | str | Duration | Rule | None


@dataclass
class Proposal:
    """One extracted value with its evidence, for a person to accept, edit or reject."""

    field: Field
    value: Value
    span: Span | None
    confidence: float
    source: str = ""  # which extractor or pattern produced it
    redacted: bool = False  # the text has the value blanked out: known to exist, unknown value
    trace: str = ""  # how a derived value was computed
    label: str = ""  # what an obligation is about ("payment", "delivery", "report")

    def display(self) -> str:
        """The value as the CSV and the review list show it."""
        if self.redacted or self.value is None:
            return ""
        if isinstance(self.value, date):
            return self.value.isoformat()
        if isinstance(self.value, Rule):
            return self.value.describe()
        return str(self.value)


@dataclass
class Extraction:
    """Everything found in one contract: the best proposal per key field, plus obligations."""

    text: str
    fields: dict[Field, Proposal] = field(default_factory=dict)
    obligations: list[Proposal] = field(default_factory=list)

    def get(self, name: Field) -> Proposal | None:
        return self.fields.get(name)

    def value(self, name: Field) -> str:
        proposal = self.fields.get(name)
        return proposal.display() if proposal else ""

    @property
    def proposals(self) -> list[Proposal]:
        return [*self.fields.values(), *self.obligations]

"""The data an import passes around: options in, a preview out.

A `Preview` is plain data (no open files, no model instances), so a web page or an API call can
show it, and `commit_import` can write it later.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from pactline.errors import DomainError
from pactline.transfer.limits import limit

Progress = Callable[[int], None]
Action = Literal["create", "update", "unchanged"]
DATE_ORDERS = ("auto", "dmy", "mdy")
FORMATS = ("auto", "csv", "xlsx", "mspdi", "gan")


class ImportRefused(Exception):
    """The file as a whole cannot be read (not a workbook, zip bomb, bad encoding...)."""

    def __init__(self, reason: str, row: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.row = row


@dataclass
class ImportOptions:
    filename: str = ""
    format: str = "auto"  # one of FORMATS; "auto" looks at the content, then the name
    sheet: str | None = None  # XLSX: sheet name; default the first sheet with a header row
    date_order: str = "auto"  # one of DATE_ORDERS
    encoding: str | None = None  # CSV: None detects UTF-8 (BOM or not) / Windows-1252
    delimiter: str | None = None  # CSV: None sniffs among , ; tab |
    mapping: dict[str, str] | None = None  # header -> field; overrides the suggestion
    mapping_name: str | None = None  # a saved ImportMapping of the organisation
    override_conflicts: bool = False  # round trip: the file wins over changes made since
    # Project plans (MSPDI, GanttProject): which contract receives the milestones.
    contract_number: str | None = None
    contract_title: str | None = None
    all_tasks: bool = False  # every task, not only milestone tasks

    def check(self) -> None:
        if self.date_order not in DATE_ORDERS:
            raise ImportRefused(f"date order must be one of {', '.join(DATE_ORDERS)}")
        if self.format not in FORMATS:
            raise ImportRefused(f"format must be one of {', '.join(FORMATS)}")


@dataclass
class Problem:
    """Why a row (or the whole file, when `row` is None) cannot be imported."""

    row: int | None
    column: str | None
    value: str | None
    reason: str

    def __str__(self) -> str:
        where = "file" if self.row is None else f"row {self.row}"
        if self.column:
            where += f", column {self.column!r}"
        value = f", value {self.value!r}" if self.value not in (None, "") else ""
        return f"{where}{value}: {self.reason}"


def shown(value: object, width: int = 60) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= width else text[: width - 1] + "…"


@dataclass(slots=True)
class Change:
    """What the import does to one contract or milestone."""

    kind: Literal["contract", "milestone"]
    action: Action
    row: int
    label: str  # "C-001" or "C-001 / Design approval"
    pk: int | None = None
    version: int | None = None  # current version when planned; the commit expects it
    data: dict[str, Any] = field(default_factory=dict)  # service input
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)  # field: (old, new)
    contract_key: str = ""  # which contract (ContractChange.key) a milestone belongs to
    key: str = ""
    parties: list[str] | None = None  # contract: party names, when the file sets them
    status: str | None = None  # milestone: target status, when it changes
    conflict: bool = False

    def describe(self) -> str:
        parts = [
            f"{f}: {shown(old) or '∅'} → {shown(new) or '∅'}"
            for f, (old, new) in self.changes.items()
        ]
        return "; ".join(parts)


@dataclass
class Conflict:
    """A row whose object changed in the app after the export the row came from."""

    row: int
    kind: str
    label: str
    version_in_file: int
    version_now: int
    changes: str

    def __str__(self) -> str:
        return (
            f"row {self.row}: {self.kind} {self.label} is at version {self.version_now} "
            f"but the file was exported at version {self.version_in_file} ({self.changes})"
        )


@dataclass
class Preview:
    organisation_id: int
    options: ImportOptions
    format: str = ""
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    date_order: str | None = None
    headers: list[str] = field(default_factory=list)  # spreadsheet: the columns, in order
    sheets: list[str] = field(default_factory=list)  # XLSX: every sheet of the workbook
    mapping: dict[str, str] = field(default_factory=dict)
    unmapped: list[str] = field(default_factory=list)
    rows_read: int = 0
    notes: list[str] = field(default_factory=list)
    contracts: list[Change] = field(default_factory=list)
    milestones: list[Change] = field(default_factory=list)
    new_parties: dict[str, str] = field(default_factory=dict)  # name -> kind
    problems: list[Problem] = field(default_factory=list)
    problems_dropped: int = 0
    conflicts: list[Conflict] = field(default_factory=list)
    not_imported: list[str] = field(default_factory=list)

    def add_problem(self, problem: Problem) -> None:
        """Keep the first problems (enough to act on); count the rest."""
        if len(self.problems) < limit("PACTLINE_IMPORT_MAX_PROBLEMS"):
            self.problems.append(problem)
        else:
            self.problems_dropped += 1

    @property
    def ok(self) -> bool:
        return not self.problems and not self.problems_dropped

    @property
    def committable(self) -> bool:
        return self.ok and (not self.conflicts or self.options.override_conflicts)

    def counts(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for name, changes in (("contracts", self.contracts), ("milestones", self.milestones)):
            tally = {"create": 0, "update": 0, "unchanged": 0}
            for c in changes:
                tally[c.action] += 1
            out[name] = tally
        out["parties"] = {"create": len(self.new_parties)}
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary for pages and API answers."""
        data = asdict(self)
        data["counts"] = self.counts()
        data["ok"] = self.ok
        data["committable"] = self.committable
        return json.loads(json.dumps(data, default=str))

    def fingerprint(self) -> str:
        """Identifies what a commit would do; a page can check it did not change since shown."""
        digest = hashlib.sha256()
        for c in (*self.contracts, *self.milestones):
            digest.update(
                json.dumps(
                    [c.kind, c.action, c.key, c.pk, c.version, c.data, c.status, c.parties],
                    default=str,
                    sort_keys=True,
                ).encode()
            )
        return digest.hexdigest()


@dataclass
class CommitResult:
    created: dict[str, int]
    updated: dict[str, int]
    unchanged: dict[str, int]
    contract_ids: list[int]
    milestone_ids: list[int]


class ImportProblems(DomainError):
    """A commit was refused or failed: problems, conflicts, or a row the services rejected."""

    status = 422

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []

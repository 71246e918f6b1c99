"""Writing a planned import: every change through the services, all in one transaction."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from pactline import faults
from pactline.accounts.permissions import Actor
from pactline.activity.services import record
from pactline.contracts import services as contracts
from pactline.contracts.models import Contract, Party
from pactline.errors import Conflict, DomainError, ValidationFailed
from pactline.milestones import services as milestones
from pactline.milestones.models import Milestone
from pactline.transfer.importing.plan import plan_import
from pactline.transfer.importing.sources import Source
from pactline.transfer.importing.transitions import status_path
from pactline.transfer.importing.types import (
    Change,
    CommitResult,
    ImportOptions,
    ImportProblems,
    Preview,
    Problem,
    Progress,
)


def commit_import(
    actor: Actor,
    source: Preview | Source,
    options: ImportOptions | None = None,
    progress: Progress | None = None,
    expect_fingerprint: str | None = None,
) -> CommitResult:
    """Write an import; refuse when its preview has problems or unresolved conflicts.

    `source` is a preview from `plan_import`, or a file (planned here first). A preview that
    went stale (an object changed since) fails with Conflict and nothing is written.
    """
    if isinstance(source, Preview):
        preview = source
        if preview.organisation_id != actor.organisation.pk:
            raise ImportProblems("this preview belongs to another organisation")
    else:
        preview = plan_import(actor, source, options)
    _check(preview, expect_fingerprint)
    with transaction.atomic():
        writer = _Writer(actor, preview, progress)
        result = writer.run()
        if any(result.created.values()) or any(result.updated.values()):
            record(actor, "imported", actor.organisation, summary=_summary(preview, result))
    return result


def _summary(preview: Preview, result: CommitResult) -> str:
    parts = [
        f"{result.created[k]} {k} created, {result.updated[k]} updated"
        for k in ("contracts", "milestones")
    ]
    if result.created["parties"]:
        parts.append(f"{result.created['parties']} parties created")
    return f"Imported {preview.options.filename or 'a file'}: " + "; ".join(parts)


def _check(preview: Preview, fingerprint: str | None) -> None:
    if not preview.ok:
        total = len(preview.problems) + preview.problems_dropped
        first = "; ".join(str(p) for p in preview.problems[:3])
        raise ImportProblems(
            f"the import has {total} problem(s), nothing was written: {first}", preview.problems
        )
    if preview.conflicts and not preview.options.override_conflicts:
        first = "; ".join(str(c) for c in preview.conflicts[:3])
        raise ImportProblems(
            f"{len(preview.conflicts)} row(s) changed in the app since the "
            f"export; override to apply the file anyway: {first}"
        )
    if fingerprint is not None and fingerprint != preview.fingerprint():
        raise Conflict("the import differs from the preview you saw; preview it again")


class _Writer:
    def __init__(self, actor: Actor, preview: Preview, progress: Progress | None) -> None:
        self.actor = actor
        self.preview = preview
        self.progress = progress
        self.reason = f"imported from {preview.options.filename or 'a file'}"
        self.contracts: dict[str, Contract] = {}
        self.parties = {
            p.name.lower(): p.pk for p in Party.objects.filter(organisation=actor.organisation)
        }
        self.done = 0
        self.result = CommitResult(
            {"contracts": 0, "milestones": 0, "parties": 0},
            {"contracts": 0, "milestones": 0},
            {"contracts": 0, "milestones": 0},
            [],
            [],
        )

    def run(self) -> CommitResult:
        for name, kind in self.preview.new_parties.items():
            party = contracts.create_party(self.actor, {"name": name, "kind": kind})
            self.parties[name.lower()] = party.pk
            self.result.created["parties"] += 1
        for change in self.preview.contracts:
            self._guard(change, self._contract, change)
        faults.pause("import.commit")  # crash tests: half of the import is written
        for change in self.preview.milestones:
            self._guard(change, self._milestone, change)
        return self.result

    def _guard(self, change: Change, step: Any, *args: Any) -> None:
        """Run one change; a refusal names the row, and the transaction undoes everything."""
        try:
            step(*args)
        except Conflict as exc:
            raise Conflict(
                f"row {change.row} ({change.label}) changed since the preview; "
                f"preview again. {exc.message}"
            ) from exc
        except ValidationFailed as exc:
            raise ImportProblems(
                f"row {change.row} ({change.label}): {exc.message}; nothing was written",
                [
                    Problem(change.row, field, None, " ".join(msgs))
                    for field, msgs in exc.errors.items()
                ],
            ) from exc
        except DomainError as exc:
            raise ImportProblems(
                f"row {change.row} ({change.label}): {exc.message}; nothing was written"
            ) from exc
        self._count(change)

    def _count(self, change: Change) -> None:
        bucket = {
            "create": self.result.created,
            "update": self.result.updated,
            "unchanged": self.result.unchanged,
        }[change.action]
        bucket[f"{change.kind}s"] += 1
        self.done += 1
        if self.progress is not None and self.done % 100 == 0:
            self.progress(self.done)

    def _contract(self, change: Change) -> None:
        if change.action == "unchanged":  # fetched later only if a milestone needs it
            self.result.contract_ids.append(change.pk)  # type: ignore[arg-type]
            return
        data = dict(change.data)
        if change.parties is not None:
            data["party_ids"] = [self.parties[n.lower()] for n in change.parties]
        if change.action == "create":
            contract = contracts.create_contract(self.actor, data)
        else:
            contract = Contract.objects.get(pk=change.pk, organisation=self.actor.organisation)
            contract = contracts.update_contract(self.actor, contract, data, change.version)
        self.contracts[change.key] = contract
        self.result.contract_ids.append(contract.pk)

    def _contract_of(self, key: str) -> Contract:
        if key not in self.contracts:
            pk = int(key.removeprefix("pk:"))
            self.contracts[key] = Contract.objects.get(pk=pk, organisation=self.actor.organisation)
        return self.contracts[key]

    def _milestone(self, change: Change) -> None:
        if change.action == "unchanged":
            self.result.milestone_ids.append(change.pk)  # type: ignore[arg-type]
            return
        if change.action == "create":
            m = milestones.create_milestone(
                self.actor, self._contract_of(change.contract_key), change.data
            )
        else:
            m = Milestone.objects.select_related("contract").get(
                pk=change.pk, organisation=self.actor.organisation
            )
            if change.data:
                m = milestones.update_milestone(
                    self.actor, m, change.data, change.version, reason=self.reason
                )
            elif m.version != change.version:
                raise Conflict(f"now version {m.version}, previewed version {change.version}")
        if change.status is not None:
            self._move(m, change.status)
        self.result.milestone_ids.append(m.pk)

    def _move(self, m: Milestone, target: str) -> None:
        path = status_path(m.status, target, m.approver_id is not None)
        if path is None:
            raise ValidationFailed.one("status", f"cannot move from {m.status} to {target}")
        for step in path:
            m = milestones.transition(self.actor, m, step, note=self.reason)

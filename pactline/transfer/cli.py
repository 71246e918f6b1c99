"""`pactline import` and `pactline export`: the preview printed, progress on stderr."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from pactline.accounts.models import Membership, Organisation, Role, User
from pactline.accounts.permissions import Actor, at_least
from pactline.errors import DomainError
from pactline.transfer.importing import ImportOptions, Preview, commit_import, plan_import

SHOWN_CHANGES = 50


class CliError(DomainError):
    pass


def _organisation(name: str | None, user: User | None) -> Organisation:
    if name:
        org = Organisation.objects.filter(name=name).first()
        if org is None:
            raise CliError(f"no organisation named {name!r}")
        return org
    memberships = list(Membership.objects.filter(user=user).select_related("organisation"))
    if user is None or len(memberships) != 1:
        raise CliError("say which organisation with --org NAME")
    return memberships[0].organisation


def acting(email: str | None, org_name: str | None, least: Role) -> Actor:
    """The actor for --as EMAIL in --org NAME, who must hold at least `least`."""
    if not email:
        raise CliError("say who acts with --as EMAIL (a member of the organisation)")
    user = User.objects.filter(email=email.strip().lower()).first()
    if user is None:
        raise CliError(f"no user with e-mail {email!r}")
    org = _organisation(org_name, user)
    membership = Membership.objects.filter(user=user, organisation=org).first()
    if membership is None:
        raise CliError(f"{email} is not a member of {org.name}")
    actor = Actor.for_membership(membership)
    if not at_least(actor, least):
        raise CliError(f"{email} is {membership.role} of {org.name}; this needs {least} or above")
    return actor


def _bar(desc: str, total: int | None) -> tuple[Callable[[int], None], Callable[[], None]]:
    from tqdm import tqdm

    bar = tqdm(total=total, desc=desc, unit=" rows", file=sys.stderr, disable=None, leave=False)

    def update(done: int) -> None:
        bar.update(done - bar.n)

    return update, bar.close


def cmd_import(args: argparse.Namespace) -> None:
    actor = acting(args.as_email, args.org, Role.MANAGER)
    options = ImportOptions(
        filename=Path(args.file).name,
        sheet=args.sheet,
        date_order=args.date_order,
        encoding=args.encoding,
        delimiter=args.delimiter,
        mapping_name=args.mapping,
        override_conflicts=args.override_conflicts,
        contract_number=args.contract,
        contract_title=args.contract_title,
        all_tasks=args.all_tasks,
    )
    update, close = _bar("reading", None)
    try:
        preview = plan_import(actor, args.file, options, progress=update)
    finally:
        close()
    print_preview(preview, sys.stdout)
    if not preview.ok:
        total = len(preview.problems) + preview.problems_dropped
        raise CliError(f"{total} problem(s); nothing was written")
    if preview.conflicts and not preview.options.override_conflicts:
        raise CliError(
            f"{len(preview.conflicts)} conflict(s); nothing was written "
            "(--override-conflicts applies the file anyway)"
        )
    if not args.commit:
        print("Dry run: nothing was written. Run again with --commit to import.")
        return
    update, close = _bar("writing", len(preview.contracts) + len(preview.milestones))
    try:
        result = commit_import(actor, preview, progress=update)
    finally:
        close()
    print(
        f"Imported: contracts {result.created['contracts']} created, "
        f"{result.updated['contracts']} updated; milestones {result.created['milestones']} "
        f"created, {result.updated['milestones']} updated; parties "
        f"{result.created['parties']} created."
    )


def print_preview(p: Preview, out: TextIO) -> None:
    where = ", ".join(
        x
        for x in (
            p.format.upper(),
            p.encoding,
            p.sheet and f"sheet {p.sheet!r}",
            p.delimiter and f"delimiter {p.delimiter!r}",
        )
        if x
    )
    print(f"Read {p.options.filename} ({where}): {p.rows_read} rows", file=out)
    if p.mapping:
        print("Columns: " + "; ".join(f"{h} -> {f}" for h, f in p.mapping.items()), file=out)
    if p.unmapped:
        print("Ignored columns: " + "; ".join(p.unmapped), file=out)
    for note in p.notes:
        print(f"Note: {note}", file=out)
    counts = p.counts()
    for kind in ("contracts", "milestones"):
        c = counts[kind]
        print(
            f"{kind.capitalize()}: {c['create']} to create, {c['update']} to update, "
            f"{c['unchanged']} unchanged",
            file=out,
        )
    if p.new_parties:
        print(f"Parties to create: {', '.join(p.new_parties)}", file=out)
    updates = [c for c in (*p.contracts, *p.milestones) if c.action == "update"]
    for change in updates[:SHOWN_CHANGES]:
        print(f"  row {change.row}: {change.kind} {change.label}: {change.describe()}", file=out)
    if len(updates) > SHOWN_CHANGES:
        print(f"  ... and {len(updates) - SHOWN_CHANGES} more updates", file=out)
    for conflict in p.conflicts:
        print(f"Conflict: {conflict}", file=out)
    for link in p.not_imported[:SHOWN_CHANGES]:
        print(f"Not imported (dependency): {link}", file=out)
    if p.problems:
        print(f"Problems ({len(p.problems) + p.problems_dropped}):", file=out)
        for problem in p.problems:
            print(f"  {problem}", file=out)
        if p.problems_dropped:
            print(f"  ... and {p.problems_dropped} more", file=out)


def cmd_export(args: argparse.Namespace) -> None:
    from pactline.transfer.export import export_workbook

    actor = acting(args.as_email, args.org, Role.VIEWER)
    fmt = args.format or ("csv" if args.output.lower().endswith(".csv") else "xlsx")
    data = export_workbook(actor, format=fmt)
    Path(args.output).write_bytes(data)
    print(f"Wrote {args.output} ({fmt.upper()}, {len(data):,} bytes)")

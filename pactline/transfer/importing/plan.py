"""The dry run: read a file, map and convert its rows, and say what an import would do.

Nothing is written. Reading streams; the plan itself holds one small record per row.
"""

from __future__ import annotations

from collections.abc import Iterable

from pactline.accounts import permissions
from pactline.accounts.permissions import Actor, require
from pactline.customfields.services import member_lookup
from pactline.milestones.types import choices as type_choices
from pactline.transfer.importing.build import Builder
from pactline.transfer.importing.changes import build_changes
from pactline.transfer.importing.existing import Existing
from pactline.transfer.importing.mapping import (
    FIELDS,
    custom_aliases,
    custom_import_fields,
    custom_name,
    mapping_errors,
    suggest_mapping,
)
from pactline.transfer.importing.rows import Converter, DateEvidence, RowRecord, kind_table
from pactline.transfer.importing.sources import Source, opened, sniff_format, source_name
from pactline.transfer.importing.table import Table
from pactline.transfer.importing.types import (
    ImportOptions,
    ImportRefused,
    Preview,
    Problem,
    Progress,
)
from pactline.transfer.importing.values import Ambiguous

PROGRESS_EVERY = 1000
ORDER_NAMES = {"dmy": "day first (DD/MM/YYYY)", "mdy": "month first (MM/DD/YYYY)"}


def plan_import(
    actor: Actor,
    source: Source,
    options: ImportOptions | None = None,
    progress: Progress | None = None,
) -> Preview:
    """What importing `source` would create, update and leave alone, and every problem."""
    require(permissions.can_manage_contracts(actor), "only managers and above import")
    options = options or ImportOptions()
    if not options.filename:
        options.filename = source_name(source)
    preview = Preview(organisation_id=actor.organisation.pk, options=options)
    try:
        options.check()
        with opened(source) as handle:
            fmt = (
                options.format
                if options.format != "auto"
                else sniff_format(handle, options.filename)
            )
            preview.format = fmt
            if fmt in ("mspdi", "gan"):
                from pactline.transfer.importing.projects import read_plan

                records, ready = read_plan(handle, fmt, options, preview), True
            else:
                records, ready = _read_table(actor, handle, fmt, options, preview, progress)
            if ready:
                _plan(actor, preview, records, progress)
    except ImportRefused as exc:
        preview.add_problem(Problem(exc.row, None, None, exc.reason))
    return preview


def _read_table(
    actor: Actor,
    handle,
    fmt: str,
    options: ImportOptions,  # type: ignore[no-untyped-def]
    preview: Preview,
    progress: Progress | None,
) -> tuple[list[RowRecord], bool]:
    mapping = _chosen_mapping(actor, options)
    known = set(mapping or ())
    table: Table
    if fmt == "xlsx":
        from pactline.transfer.importing.xlsx import read_xlsx

        table = read_xlsx(handle, options.sheet, known)
    else:
        from pactline.transfer.importing.text import read_csv

        table = read_csv(handle, options.encoding, options.delimiter, known)
    preview.encoding, preview.delimiter, preview.sheet = (
        table.encoding,
        table.delimiter,
        table.sheet,
    )
    preview.headers, preview.sheets = list(table.headers), list(table.sheets)
    custom = custom_import_fields(actor.organisation.pk)
    if mapping is None:
        mapping = suggest_mapping(table.headers, custom_aliases(custom))
    preview.mapping = {h: f for h, f in mapping.items() if f}
    preview.unmapped = [h for h in table.headers if not mapping.get(h)]
    errors = mapping_errors(preview.mapping, table.headers, custom)
    if errors:
        raise ImportRefused(
            "the column mapping does not work: " + "; ".join(errors), table.header_row
        )
    converter = Converter(
        preview.mapping,
        table.headers,
        options.date_order,
        preview.add_problem,
        table.epoch,
        text_formulas=fmt == "csv",
        kinds=kind_table(type_choices(actor.organisation.pk)),
        custom=custom,
        members=member_lookup(actor.organisation.pk) if custom else None,
        default_currency=actor.organisation.default_currency,
    )
    records = list(_convert(converter, table, preview, progress))
    preview.notes += table.notes
    if not records and preview.ok:
        raise ImportRefused("the file has a header row but no data rows")
    ready = _decide_date_order(preview, converter.evidence, options.date_order, records)
    return records, ready


def _convert(
    converter: Converter, table: Table, preview: Preview, progress: Progress | None
) -> Iterable[RowRecord]:
    for row_no, cells in table.rows:
        preview.rows_read += 1
        record = converter.convert(row_no, cells)
        if record is not None:
            yield record
        if progress is not None and preview.rows_read % PROGRESS_EVERY == 0:
            progress(preview.rows_read)


def _chosen_mapping(actor: Actor, options: ImportOptions) -> dict[str, str] | None:
    if options.mapping is not None:
        return dict(options.mapping)
    if options.mapping_name:
        from pactline.transfer.models import ImportMapping

        saved = ImportMapping.objects.filter(
            organisation=actor.organisation, name=options.mapping_name
        ).first()
        if saved is None:
            raise ImportRefused(f"no saved mapping named {options.mapping_name!r}")
        return dict(saved.mapping)
    return None


def _decide_date_order(
    preview: Preview, evidence: DateEvidence, chosen: str, records: list[RowRecord]
) -> bool:
    """Settle day-first versus month-first: the user's choice, or what the file proves.

    False when it cannot be settled (the rows keep ambiguous dates and cannot be planned).
    """
    if chosen != "auto":
        preview.date_order = chosen
        return True
    if evidence.dmy and evidence.mdy:
        (r1, c1, t1), (r2, c2, t2) = evidence.dmy, evidence.mdy
        preview.add_problem(
            Problem(
                r2,
                c2,
                t2,
                (
                    f"dates are mixed: {t1!r} (row {r1}, column {c1!r}) can only be day-first but "
                    f"{t2!r} can only be month-first; correct them or choose the date order"
                ),
            )
        )
        return False
    proof = evidence.dmy or evidence.mdy
    order = "dmy" if evidence.dmy else "mdy" if evidence.mdy else None
    if order and proof:
        preview.date_order = order
        preview.notes.append(
            f"dates read {ORDER_NAMES[order]}: row {proof[0]}, column "
            f"{proof[1]!r} has {proof[2]!r}, which can only be read that way"
        )
    elif evidence.ambiguous:
        row, column, text = evidence.ambiguous
        preview.add_problem(
            Problem(
                row,
                column,
                text,
                (
                    "this date reads differently day-first and month-first and no date in the file "
                    "settles it: choose the date order (day/month/year or month/day/year)"
                ),
            )
        )
        return False
    for record in records:
        for name, value in record.values.items():
            if isinstance(value, Ambiguous):
                record.values[name] = value.dmy if order == "dmy" else value.mdy
    return True


def _plan(
    actor: Actor, preview: Preview, records: list[RowRecord], progress: Progress | None
) -> None:
    columns = {f: h for h, f in reversed(preview.mapping.items())} or {
        name: spec.label for name, spec in FIELDS.items()
    }
    builder = Builder(
        preview,
        Existing(actor),
        columns,
        actor.organisation.name,
        actor.organisation.default_currency,
    )
    records.reverse()
    while records:  # consume the rows as they are grouped: they are the bulk of the memory
        builder.add(records.pop())
    build_changes(builder)
    _check_required(actor, preview, columns)
    if progress is not None:
        progress(preview.rows_read)


def _check_required(actor: Actor, preview: Preview, columns: dict[str, str]) -> None:
    """New contracts and milestones need the organisation's required custom fields (a default
    fills one in): said at preview time, naming the row and the column."""
    from pactline.customfields.services import fields_for

    for kind, changes in (("contract", preview.contracts), ("milestone", preview.milestones)):
        required = [f for f in fields_for(actor.organisation, kind) if f.required]
        if not required:
            continue
        for change in changes:
            if change.action != "create":
                continue
            given = change.data.get("custom_fields") or {}
            for f in required:
                if f.key not in given and f.default is None:
                    column = columns.get(custom_name(kind, f.key), f.label)
                    preview.add_problem(
                        Problem(change.row, column, None, f"{f.label} is required for a new {kind}")
                    )

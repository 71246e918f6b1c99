"""Export contracts and milestones in the importer's own layout (XLSX or CSV).

One row per milestone, its contract's columns repeated; a contract without milestones gets one
row. Ids and versions travel with the rows, so a re-import of an edited export updates the same
objects and spots rows changed in the app since. Text that a spreadsheet would run as a formula
(starting with = + - @, tab or carriage return) is prefixed with a quote; the importer removes it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet

from pactline.accounts.models import Membership
from pactline.accounts.permissions import Actor, visible_contracts
from pactline.contracts.models import Contract, ContractStatus
from pactline.milestones.models import Milestone, MilestoneStatus
from pactline.milestones.types import type_map
from pactline.transfer.importing.mapping import FIELDS

COLUMNS = (
    "contract_id",
    "contract_external_id",
    "contract_number",
    "contract_title",
    "party",
    "contract_owner",
    "contract_value",
    "currency",
    "contract_status",
    "start_date",
    "end_date",
    "signed_date",
    "contract_description",
    "contract_version",
    "milestone_id",
    "milestone_external_id",
    "milestone_title",
    "milestone_kind",
    "due_date",
    "owner",
    "approver",
    "amount",
    "milestone_status",
    "milestone_description",
    "milestone_version",
)
HEADERS = [FIELDS[c].label for c in COLUMNS]
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
WIDTHS = {
    "contract_title": 32,
    "milestone_title": 32,
    "party": 24,
    "contract_owner": 24,
    "owner": 24,
    "approver": 24,
    "contract_description": 40,
    "milestone_description": 40,
}


def neutralise(value: str) -> str:
    """Keep spreadsheet programs from running text as a formula (CSV/formula injection)."""
    return "'" + value if value.startswith(DANGEROUS) else value


def _contracts(actor: Actor, queryset: QuerySet[Contract] | None) -> QuerySet[Contract]:
    visible = visible_contracts(actor)
    if queryset is not None:
        visible = visible.filter(pk__in=queryset.values("pk"))
    milestones = Milestone.objects.select_related("owner", "approver").order_by("position", "pk")
    return (
        visible.select_related("owner")
        .prefetch_related("parties", Prefetch("milestones", queryset=milestones))
        .order_by("number")
    )


def custom_columns(actor: Actor) -> tuple[list[Any], list[Any], list[str]]:
    """The organisation's contract and milestone custom fields, and their headers: the label
    (the importer matches labels and keys), "Milestone <label>" when a contract field or one
    of our own columns already has that label."""
    from pactline.customfields.services import fields_for

    contract_fields = fields_for(actor.organisation, "contract")
    milestone_fields = fields_for(actor.organisation, "milestone")
    taken = {h.lower() for h in HEADERS}
    headers = []
    for prefix, fields in (("Contract", contract_fields), ("Milestone", milestone_fields)):
        for f in fields:
            header = f.label if f.label.lower() not in taken else f"{prefix} {f.label}"
            taken.add(header.lower())
            headers.append(header)
    return contract_fields, milestone_fields, headers


def _custom_cells(fields: list[Any], values: dict[str, Any], emails: dict[int, str]) -> list[Any]:
    """Typed cells: numbers and amounts as numbers, dates as dates, people as e-mails."""
    from pactline.customfields import values as cfv

    out: list[Any] = []
    for f in fields:
        value = (values or {}).get(f.key)
        if f.field_type == "user":
            out.append(emails.get(value, "") if value is not None else None)
        elif f.field_type == "money" and isinstance(value, dict):
            out.append(cfv.display(f, value))  # "1200.00 EUR": amount and currency together
        else:
            out.append(cfv.typed(f, value))
    return out


def _rows(actor: Actor, queryset: QuerySet[Contract] | None) -> Iterator[list[Any]]:
    members = set(
        Membership.objects.filter(organisation=actor.organisation).values_list("user_id", flat=True)
    )
    contract_fields, milestone_fields, _ = custom_columns(actor)
    emails = (
        dict(
            Membership.objects.filter(organisation=actor.organisation).values_list(
                "user_id", "user__email"
            )
        )
        if any(f.field_type == "user" for f in (*contract_fields, *milestone_fields))
        else {}
    )
    blank_milestone = [None] * len(milestone_fields)

    kinds = type_map(actor.organisation.pk)  # the organisation's milestone type names

    def email(user: Any) -> str:
        return user.email if user is not None and user.pk in members else ""

    for c in _contracts(actor, queryset):
        head = [
            c.pk,
            c.external_id,
            c.number,
            c.title,
            "; ".join(p.name for p in c.parties.all()),
            email(c.owner),
            c.value,
            c.currency,
            ContractStatus(c.status).label,
            c.start_on,
            c.end_on,
            c.signed_on,
            c.description,
            c.version,
        ]
        contract_cells = _custom_cells(contract_fields, c.custom_fields, emails)
        milestones = list(c.milestones.all())
        if not milestones:
            yield head + [None] * (len(COLUMNS) - len(head)) + contract_cells + blank_milestone
        for m in milestones:
            yield [
                *head,
                m.pk,
                m.external_id,
                m.title,
                kinds.name(m.kind),
                m.due_date,
                email(m.owner),
                email(m.approver),
                m.payment_amount,
                MilestoneStatus(m.status).label,
                m.description,
                m.version,
                *contract_cells,
                *_custom_cells(milestone_fields, m.custom_fields, emails),
            ]


def export_rows(actor: Actor, queryset: QuerySet[Contract] | None = None) -> Iterator[list[Any]]:
    """The header and the rows, typed (dates, Decimals), text neutralised."""
    yield [*HEADERS, *custom_columns(actor)[2]]
    for row in _rows(actor, queryset):
        yield [neutralise(v) if isinstance(v, str) else v for v in row]


def export_workbook(
    actor: Actor, queryset: QuerySet[Contract] | None = None, format: str = "xlsx"
) -> bytes:
    """Contracts (all the actor may see, or those of `queryset`) as XLSX or CSV bytes."""
    if format == "csv":
        return export_csv(actor, queryset)
    if format != "xlsx":
        raise ValueError(f"unknown export format {format!r}")
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Milestones")
    sheet.freeze_panes = "A2"
    for index, name in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = WIDTHS.get(name, 14)
    bold = Font(bold=True)
    count = 0
    for row in export_rows(actor, queryset):
        if count == 0:
            width = len(row)  # our columns and the custom fields'
            sheet.append([_cell(WriteOnlyCell(sheet, value=h), font=bold) for h in row])
        else:
            sheet.append([_typed(WriteOnlyCell(sheet, value=v)) for v in row])
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(width)}{max(count, 1)}"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(cell: Any, **style: Any) -> Any:
    for name, value in style.items():
        setattr(cell, name, value)
    return cell


def _typed(cell: Any) -> Any:
    if isinstance(cell.value, date):
        cell.number_format = "yyyy-mm-dd"
    elif isinstance(cell.value, Decimal):
        cell.number_format = "#,##0.00"
    elif isinstance(cell.value, str):
        cell.data_type = "s"  # never a formula, whatever the text
    return cell


def export_csv(actor: Actor, queryset: QuerySet[Contract] | None = None) -> bytes:
    """UTF-8 with a BOM (so Excel reads the accents), comma-separated, ISO dates."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in export_rows(actor, queryset):
        writer.writerow(
            ["" if v is None else v.isoformat() if isinstance(v, date) else v for v in row]
        )
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")

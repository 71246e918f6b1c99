"""Objects of the transfer app for the shared permission and tenancy tables (tests/api).

They take the id of a contract of the organisation and create rows directly (no events), so
the tables' before/after snapshots see only what the request under test did.
"""

from __future__ import annotations

import base64

from django.core.files.base import ContentFile

from pactline.accounts.models import Membership, hash_token
from pactline.accounts.permissions import Actor
from pactline.contracts.models import Contract
from pactline.transfer import staging
from pactline.transfer.importing import ImportOptions
from pactline.transfer.models import FeedToken, ImportMapping, OrganisationClosure

SMALL_CSV = (
    b"Contract number,Contract title,Milestone,Due date\r\n"
    b"TAB-1,From a table,Kick-off,2027-03-01\r\n"
)
SMALL_CSV_BASE64 = base64.b64encode(SMALL_CSV).decode()
ICS = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//EN\r\n"
    "BEGIN:VEVENT\r\nUID:1@test\r\nDTSTAMP:20270101T000000Z\r\n"
    "DTSTART;VALUE=DATE:20271224\r\nSUMMARY:Christmas closure\r\nEND:VEVENT\r\n"
    "END:VCALENDAR\r\n"
)


def _member(contract_id: int, role: str) -> Membership:
    organisation_id = Contract.objects.get(pk=contract_id).organisation_id
    return Membership.objects.select_related("user", "organisation").get(
        organisation_id=organisation_id, role=role
    )


def staged_import(contract_id: int, role: str = "manager") -> str:
    """The id of a small CSV uploaded by the organisation's member of that role."""
    actor = Actor.for_membership(_member(contract_id, role))
    upload = ContentFile(SMALL_CSV, name="table.csv")
    return staging.stage(actor, upload, "table.csv", ImportOptions()).id


def saved_mapping(contract_id: int) -> int:
    membership = _member(contract_id, "manager")
    return ImportMapping.objects.create(
        organisation=membership.organisation,
        name="Table mapping",
        mapping={"Ref": "contract_number"},
        created_by=membership.user,
    ).pk


def owners_feed(contract_id: int) -> int:
    """An active "my milestones" feed of the organisation's owner."""
    membership = _member(contract_id, "owner")
    return FeedToken.objects.create(
        organisation=membership.organisation,
        user=membership.user,
        scope="mine",
        token_hash=hash_token(f"plf_table-{contract_id}"),
        hint="plf_tabl",
    ).pk


def closure_day(contract_id: int) -> int:
    organisation_id = Contract.objects.get(pk=contract_id).organisation_id
    return OrganisationClosure.objects.create(
        organisation_id=organisation_id, date="2027-08-02", name="Summer closure"
    ).pk

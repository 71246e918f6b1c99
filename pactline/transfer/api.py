"""REST API for import (preview, then commit), export, calendar feeds, closure days and saved
import mappings. Handlers call the transfer back end and services; they never write models."""

from __future__ import annotations

import base64
import binascii
import json
from datetime import date, datetime
from typing import Any, Literal

from django.core.files.base import ContentFile
from django.http import HttpRequest, HttpResponse
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile
from ninja.errors import HttpError, ValidationError
from pydantic import ValidationError as PydanticError

from pactline.accounts import permissions
from pactline.accounts.models import Role
from pactline.accounts.permissions import Actor, require
from pactline.api_auth import actor_of
from pactline.api_common import (
    CREATE_ERRORS,
    DELETE_ERRORS,
    LIST_ERRORS,
    Id,
    InSchema,
    Page,
    PageParams,
    QueryIn,
    error_responses,
    find_or_invalid,
    get_or_404,
    paginate,
)
from pactline.contracts.api import ContractFilterIn
from pactline.contracts.queries import ContractFilter, contract_list
from pactline.errors import ValidationFailed
from pactline.transfer import services, staging
from pactline.transfer.closures import add_closure, import_closures, remove_closure
from pactline.transfer.export import export_workbook
from pactline.transfer.importing import CommitResult, ImportOptions, Preview
from pactline.transfer.importing.mapping import mapping_errors
from pactline.transfer.importing.text import text_encoding
from pactline.transfer.importing.types import Change, ImportRefused
from pactline.transfer.limits import limit
from pactline.transfer.models import FeedToken, ImportMapping, OrganisationClosure
from pactline.transfer.views import EXPORT_TYPES, feed_url

imports = Router(tags=["import and export"])
feeds = Router(tags=["calendar feeds"])
closures = Router(tags=["closure days"])

UPLOAD_ERRORS = error_responses(400, 401, 403, 413, 422)
COMMIT_ERRORS = error_responses(401, 403, 404, 409, 422)
BINARY = {"schema": {"type": "string", "format": "binary"}}
HEX64 = r"^[0-9a-f]{64}$"

Format = Literal["auto", "csv", "xlsx", "mspdi", "gan"]
DateOrder = Literal["auto", "dmy", "mdy"]
Delimiter = Literal[",", ";", "\t", "|"]
Scope = Literal["mine", "contract", "organisation"]


# --- import -----------------------------------------------------------------------------------


class ImportOptionsIn(InSchema):
    format: Format = Field("auto", description="auto detects from the content, then the name")
    sheet: str | None = Field(None, max_length=200, description="XLSX: the sheet to read")
    date_order: DateOrder = Field(
        "auto",
        description="how to read dates like 03/04/2027: dmy, mdy, or auto (decided by a date "
        "that can only be read one way; a problem when nothing decides)",
    )
    encoding: str | None = Field(
        None, max_length=40, description="CSV: e.g. utf-8, cp1252, latin-1; detected if empty"
    )
    delimiter: Delimiter | None = Field(None, description="CSV: detected if empty")
    mapping_name: str | None = Field(None, max_length=100, description="a saved mapping")
    contract_number: str | None = Field(
        None, max_length=64, description="project plans: the contract receiving the milestones"
    )
    contract_title: str | None = Field(
        None, max_length=300, description="project plans: the title of a new contract"
    )
    all_tasks: bool = Field(False, description="project plans: every task, not only milestones")


class ImportFormIn(ImportOptionsIn):
    """Multipart form fields besides `file`."""

    mapping: str | None = Field(
        None,
        max_length=100_000,
        description='JSON object {"spreadsheet header": "field"}; "" ignores a column',
    )


class ImportJsonIn(ImportOptionsIn):
    """The same as a JSON body, for small files (the body is limited to 2 MB)."""

    filename: str = Field(max_length=200, description="its extension helps detect the type")
    content_base64: str = Field(description="the file's bytes, base64-encoded")
    mapping: dict[str, str] | None = Field(None, description='{"spreadsheet header": "field"}')


class ProblemOut(Schema):
    row: int | None = Field(description="row of the file; null for the whole file")
    column: str | None
    value: str | None
    reason: str


class ConflictOut(Schema):
    row: int
    kind: str
    label: str
    version_in_file: int
    version_now: int
    changes: str


class FieldChangeOut(Schema):
    field: str
    old: Any = None
    new: Any = None


class ChangeOut(Schema):
    row: int
    kind: Literal["contract", "milestone"]
    action: Literal["create", "update", "unchanged"]
    label: str
    id: int | None = Field(description="the existing object's id; null when created")
    version: int | None
    changes: list[FieldChangeOut] = Field(description="updates: each field, old and new")
    status: str | None = Field(description="milestones: the status the import moves it to")
    conflict: bool


class CountOut(Schema):
    create: int
    update: int
    unchanged: int


class PartyCountOut(Schema):
    create: int


class CountsOut(Schema):
    contracts: CountOut
    milestones: CountOut
    parties: PartyCountOut


class PreviewOut(Schema):
    format: str
    encoding: str | None
    delimiter: str | None
    sheet: str | None
    sheets: list[str]
    date_order: str | None
    headers: list[str]
    mapping: dict[str, str]
    unmapped: list[str]
    rows_read: int
    notes: list[str]
    counts: CountsOut
    changes: list[ChangeOut] = Field(
        description="rows that create or update something (unchanged ones are only counted)"
    )
    new_parties: dict[str, str] = Field(description="name: kind")
    problems: list[ProblemOut]
    problems_dropped: int = Field(description="problems beyond the first 1,000, only counted")
    conflicts: list[ConflictOut]
    not_imported: list[str]
    ok: bool = Field(description="no problems")
    committable: bool = Field(description="ok, and no conflicts (or they are overridden)")
    fingerprint: str = Field(description="send it with the commit to be told if data changed")


class ImportOut(Schema):
    id: str = Field(description="the staged upload, for POST /imports/{id}/commit")
    filename: str
    size: int
    expires_at: datetime
    preview: PreviewOut


class CommitIn(InSchema):
    fingerprint: str | None = Field(
        None, pattern=HEX64, description="the preview's fingerprint: 409 if the data changed"
    )
    override_conflicts: bool = Field(
        False, description="apply rows changed in the app since the export anyway"
    )


class CommitOut(Schema):
    created: dict[str, int] = Field(description="contracts, milestones, parties")
    updated: dict[str, int]
    unchanged: dict[str, int]
    contract_ids: list[int]
    milestone_ids: list[int]


def _change_out(c: Change) -> dict[str, Any]:
    return {
        "row": c.row,
        "kind": c.kind,
        "action": c.action,
        "label": c.label,
        "id": c.pk,
        "version": c.version,
        "changes": [
            {"field": f, "old": _plain(old), "new": _plain(new)}
            for f, (old, new) in c.changes.items()
        ],
        "status": c.status,
        "conflict": c.conflict,
    }


def _plain(value: Any) -> Any:
    return value if value is None or isinstance(value, bool | int | str) else str(value)


def preview_out(preview: Preview) -> dict[str, Any]:
    data = preview.to_dict()
    changing = [c for c in (*preview.contracts, *preview.milestones) if c.action != "unchanged"]
    changing.sort(key=lambda c: (c.row, c.kind != "contract"))
    data["changes"] = [_change_out(c) for c in changing]
    data["fingerprint"] = preview.fingerprint()
    return data


def _import_out(staged: staging.StagedImport, preview: Preview) -> dict[str, Any]:
    return {
        "id": staged.id,
        "filename": staged.filename,
        "size": staged.size,
        "expires_at": staged.expires_at,
        "preview": preview_out(preview),
    }


def json_schema(schema: type[Schema]) -> dict[str, Any]:
    """A flat input schema, inlined in the OpenAPI document (for the JSON variant of an upload)."""
    return schema.model_json_schema()


def _json_body(request: HttpRequest, schema: type[InSchema]) -> Any:
    """A JSON body validated like ninja validates one, with the same 422 answer."""
    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        raise HttpError(400, "Cannot parse request body") from None  # as ninja answers
    try:
        return schema.model_validate(data)
    except PydanticError as exc:
        errors = [{**e, "loc": ("body", "payload", *e["loc"])} for e in exc.errors()]
        raise ValidationError(errors) from None


def _checked_mapping(mapping: Any) -> dict[str, str] | None:
    if mapping is None:
        return None
    problems = mapping_errors(mapping)
    if problems:
        raise ValidationFailed({"mapping": problems})
    return dict(mapping)


@imports.post(
    "/imports",
    response={201: ImportOut, **UPLOAD_ERRORS},
    url_name="import-create",
    summary="Upload a file and preview its import (nothing is written)",
    description=(
        "Send the file as `multipart/form-data` (field `file`, options as form fields, "
        "`mapping` as JSON text), or as JSON with `content_base64` for small files. The "
        "answer is the dry run: what would be created, updated and left alone, every problem "
        "with its row, column and value, and conflicts with changes made since an export. "
        "Commit it with `POST /imports/{id}/commit` within a day. Managers and above."
    ),
    openapi_extra={
        "requestBody": {"content": {"application/json": {"schema": json_schema(ImportJsonIn)}}}
    },
)
def create_import(
    request: HttpRequest, options: Form[ImportFormIn], file: File[UploadedFile] = None
) -> Status[dict[str, Any]]:
    actor = actor_of(request)
    require(permissions.can_manage_contracts(actor), "only managers and above import")
    if request.content_type == "application/json":
        payload: ImportOptionsIn = _json_body(request, ImportJsonIn)
        assert isinstance(payload, ImportJsonIn)
        upload = ContentFile(_decoded(payload.content_base64), name=payload.filename)
        mapping = _checked_mapping(payload.mapping)
    else:
        unknown = set(request.POST) - set(ImportFormIn.model_fields) - {"csrfmiddlewaretoken"}
        if unknown:
            raise ValidationFailed(dict.fromkeys(sorted(unknown), "is not a known field"))
        if file is None:
            raise ValidationFailed.one("file", "is required (multipart/form-data)")
        upload, payload = file, options
        mapping = _checked_mapping(_parsed_mapping(options.mapping))
    import_options = _import_options(actor, payload, mapping)
    staged = staging.stage(actor, upload, upload.name or "upload", import_options)
    return Status(201, _import_out(staged, staging.preview(actor, staged)))


def _decoded(text: str) -> bytes:
    if len(text) > (limit("PACTLINE_IMPORT_MAX_BYTES") * 4) // 3 + 4:
        raise ValidationFailed.one("content_base64", "is too large")
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationFailed.one("content_base64", "is not valid base64") from None


def _parsed_mapping(text: str | None) -> Any:
    if text is None or not text.strip():
        return None
    try:
        return json.loads(text)
    except ValueError:
        raise ValidationFailed.one("mapping", 'must be a JSON object {"header": "field"}') from None


def _import_options(
    actor: Actor, payload: ImportOptionsIn, mapping: dict[str, str] | None
) -> ImportOptions:
    if payload.encoding:
        try:
            text_encoding(payload.encoding)
        except ImportRefused:
            raise ValidationFailed.one(
                "encoding", "is not a text encoding (try utf-8, cp1252, latin-1)"
            ) from None
    if (
        mapping is None
        and payload.mapping_name
        and not ImportMapping.objects.filter(
            organisation=actor.organisation, name=payload.mapping_name
        ).exists()
    ):
        raise ValidationFailed.one("mapping_name", "no saved mapping has this name")
    return ImportOptions(
        format=payload.format,
        sheet=payload.sheet or None,
        date_order=payload.date_order,
        encoding=payload.encoding or None,
        delimiter=payload.delimiter or None,
        mapping=mapping,
        mapping_name=None if mapping is not None else payload.mapping_name or None,
        contract_number=payload.contract_number or None,
        contract_title=payload.contract_title or None,
        all_tasks=payload.all_tasks,
    )


@imports.post(
    "/imports/{import_id}/commit",
    response={200: CommitOut, **COMMIT_ERRORS},
    url_name="import-commit",
    summary="Commit a previewed import",
    description=(
        "Reads the uploaded file again and writes it in one transaction: on any problem "
        "nothing is written (422, `errors.file` lists the problems, `errors.override_conflicts` "
        "the conflicts). With `fingerprint`, a preview that no longer matches the data answers "
        "409: preview again. Only the person who uploaded the file can commit it."
    ),
)
def commit(request: HttpRequest, import_id: str, payload: CommitIn) -> CommitResult:
    actor = actor_of(request)
    require(permissions.can_manage_contracts(actor), "only managers and above import")
    staged = staging.find(actor, import_id)
    try:
        return staging.commit(actor, staged, payload.fingerprint, payload.override_conflicts)
    except staging.CommitRefused as exc:
        field = "override_conflicts" if exc.unresolved_conflicts else "file"
        details = [str(p) for p in exc.problems[:100]] or [exc.message]
        raise ValidationFailed({field: details}) from exc


# --- export -----------------------------------------------------------------------------------


class ExportParams(QueryIn):
    format: Literal["xlsx", "csv"] = Field("xlsx", description="XLSX workbook or CSV (UTF-8)")


@imports.get(
    "/export",
    response=LIST_ERRORS,
    url_name="export",
    summary="Export contracts and milestones in the importer's layout",
    description=(
        "One row per milestone with its contract's columns, ids and versions: edit it and "
        "import it back (rows changed in the app since are conflicts). Takes the filters of "
        "`GET /contracts`."
    ),
    openapi_extra={
        "responses": {
            200: {
                "description": "the file",
                "content": {EXPORT_TYPES["xlsx"]: BINARY, "text/csv": BINARY},
            }
        }
    },
)
def export(
    request: HttpRequest, params: Query[ExportParams], filters: Query[ContractFilterIn]
) -> HttpResponse:
    actor = actor_of(request)
    wanted = ContractFilter(
        q=filters.q,
        status=filters.status,
        party_id=filters.party_id,
        owner_id=filters.owner_id,
        tag=filters.tag,
        health=filters.health,
    )
    contracts = contract_list(actor, wanted, filters.sort)
    response = HttpResponse(
        export_workbook(actor, contracts, format=params.format),
        content_type=EXPORT_TYPES[params.format],
    )
    name = f"contracts-{date.today().isoformat()}.{params.format}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- saved mappings ---------------------------------------------------------------------------


class MappingIn(InSchema):
    name: str = Field(max_length=100)
    mapping: dict[str, str] = Field(description='{"spreadsheet header": "field"}')


class MappingOut(Schema):
    id: int
    name: str
    mapping: dict[str, str]
    version: int
    created_at: datetime
    updated_at: datetime


@imports.get(
    "/import-mappings",
    response={200: Page[MappingOut], **LIST_ERRORS},
    url_name="import-mapping-list",
    summary="List saved column mappings",
)
def list_mappings(request: HttpRequest, page: Query[PageParams]) -> dict[str, Any]:
    actor = actor_of(request)
    qs = ImportMapping.objects.filter(organisation=actor.organisation).order_by("name", "pk")
    return paginate(qs, page)


@imports.post(
    "/import-mappings",
    response={201: MappingOut, **CREATE_ERRORS},
    url_name="import-mapping-create",
    summary="Save a column mapping (replaces one of the same name)",
)
def save_mapping(request: HttpRequest, payload: MappingIn) -> Status[ImportMapping]:
    actor = actor_of(request)
    return Status(201, services.save_mapping(actor, payload.name, payload.mapping))


@imports.delete(
    "/import-mappings/{mapping_id}",
    response={204: None, **DELETE_ERRORS},
    url_name="import-mapping-delete",
    summary="Delete a saved column mapping",
)
def delete_mapping(request: HttpRequest, mapping_id: int) -> Status[None]:
    actor = actor_of(request)
    saved = get_or_404(
        ImportMapping.objects.filter(organisation=actor.organisation), mapping_id, "mapping"
    )
    services.delete_mapping(actor, saved)
    return Status(204, None)


# --- calendar feeds ---------------------------------------------------------------------------


class FeedIn(InSchema):
    scope: Scope = Field(
        description="mine: milestones you own or approve; contract: one contract's; "
        "organisation: every milestone you can see"
    )
    contract_id: Id | None = Field(None, description="required for a contract feed")


class FeedOut(Schema):
    id: int
    scope: str
    contract_id: int | None
    created_at: datetime
    hint: str = Field(description="the first characters of the secret address")


class FeedCreatedOut(FeedOut):
    url: str = Field(description="the secret iCalendar address: shown this once, never again")
    webcal_url: str


@feeds.get(
    "/feeds",
    response={200: Page[FeedOut], **LIST_ERRORS},
    url_name="feed-list",
    summary="List your calendar feeds",
)
def list_feeds(request: HttpRequest, page: Query[PageParams]) -> dict[str, Any]:
    actor = actor_of(request)
    qs = FeedToken.objects.filter(
        organisation=actor.organisation, user_id=actor.user_id, revoked_at__isnull=True
    ).order_by("-created_at", "-pk")
    return paginate(qs, page)


@feeds.post(
    "/feeds",
    response={201: FeedCreatedOut, **CREATE_ERRORS},
    url_name="feed-create",
    summary="Create a calendar feed (its secret address is shown once)",
)
def create_feed(request: HttpRequest, payload: FeedIn) -> Status[dict[str, Any]]:
    actor = actor_of(request)
    contract = None
    if payload.contract_id is not None:
        contract = find_or_invalid(
            permissions.visible_contracts(actor), payload.contract_id, "contract_id"
        )
    token, secret = services.create_feed(actor, payload.scope, contract)
    url = feed_url(secret)
    out = {
        "id": token.pk,
        "scope": token.scope,
        "contract_id": token.contract_id,
        "created_at": token.created_at,
        "hint": token.hint,
        "url": url,
        "webcal_url": "webcal://" + url.split("://", 1)[-1],
    }
    return Status(201, out)


@feeds.delete(
    "/feeds/{feed_id}",
    response={204: None, **DELETE_ERRORS},
    url_name="feed-delete",
    summary="Revoke a calendar feed (yours, or anyone's as an admin)",
)
def revoke_feed(request: HttpRequest, feed_id: int) -> Status[None]:
    actor = actor_of(request)
    token = get_or_404(
        FeedToken.objects.filter(organisation=actor.organisation, revoked_at__isnull=True),
        feed_id,
        "feed",
    )
    services.revoke_feed(actor, token)
    return Status(204, None)


# --- closure days -----------------------------------------------------------------------------


class ClosureIn(InSchema):
    date: date
    name: str = Field(max_length=200)


class ClosureOut(Schema):
    id: int
    date: date
    name: str
    created_at: datetime


class ClosureCreatedOut(ClosureOut):
    moved: int = Field(description="how many milestone due dates moved")


class ClosureImportIn(InSchema):
    ics: str = Field(description="the iCalendar text (BEGIN:VCALENDAR...)")


class ClosureImportOut(Schema):
    added: int
    unchanged: int = Field(description="days that were closure days already")
    moved: int = Field(description="how many milestone due dates moved")
    skipped: list[str] = Field(description="events not imported, and why")


class ClosureFilter(QueryIn):
    after: date | None = Field(None, description="from this day (inclusive)")
    before: date | None = Field(None, description="up to this day (inclusive)")


@closures.get(
    "/closures",
    response={200: Page[ClosureOut], **LIST_ERRORS},
    url_name="closure-list",
    summary="List the organisation's closure days",
)
def list_closures(
    request: HttpRequest, filters: Query[ClosureFilter], page: Query[PageParams]
) -> dict[str, Any]:
    qs = OrganisationClosure.objects.filter(organisation=actor_of(request).organisation)
    if filters.after:
        qs = qs.filter(date__gte=filters.after)
    if filters.before:
        qs = qs.filter(date__lte=filters.before)
    return paginate(qs.order_by("date"), page)


@closures.post(
    "/closures",
    response={201: ClosureCreatedOut, **CREATE_ERRORS},
    url_name="closure-create",
    summary="Add a closure day (admins); due dates move at once",
)
def create_closure(request: HttpRequest, payload: ClosureIn) -> Status[dict[str, Any]]:
    closure, moved = add_closure(actor_of(request), payload.date, payload.name)
    out = {
        "id": closure.pk,
        "date": closure.date,
        "name": closure.name,
        "created_at": closure.created_at,
        "moved": moved,
    }
    return Status(201, out)


@closures.post(
    "/closures/import",
    response={200: ClosureImportOut, **UPLOAD_ERRORS},
    url_name="closure-import",
    summary="Import closure days from an .ics file (admins)",
    description=(
        'Send the file as `multipart/form-data` (field `file`) or as JSON `{"ics": "..."}`. '
        "All-day and multi-day events give their days; recurring events are skipped."
    ),
    openapi_extra={
        "requestBody": {"content": {"application/json": {"schema": json_schema(ClosureImportIn)}}}
    },
)
def import_closure_days(request: HttpRequest, file: File[UploadedFile] = None) -> Any:
    actor = actor_of(request)
    require(
        permissions.at_least(actor, Role.ADMIN),
        "only admins and owners change the organisation calendar",
    )
    if request.content_type == "application/json":
        ics = _json_body(request, ClosureImportIn).ics.encode("utf-8")
    elif file is None:
        raise ValidationFailed.one("file", "is required (multipart/form-data)")
    else:
        if file.size and file.size > limit("PACTLINE_IMPORT_MAX_BYTES"):
            raise ValidationFailed.one("file", "is too large")
        ics = file.read()
    return import_closures(actor, ics)


# After /closures/import, so that path is not read as a closure id.
@closures.delete(
    "/closures/{closure_id}",
    response={204: None, **DELETE_ERRORS},
    url_name="closure-delete",
    summary="Remove a closure day (admins); due dates move at once",
)
def delete_closure(request: HttpRequest, closure_id: int) -> Status[None]:
    actor = actor_of(request)
    closure = get_or_404(
        OrganisationClosure.objects.filter(organisation=actor.organisation),
        closure_id,
        "closure day",
    )
    remove_closure(actor, closure)
    return Status(204, None)

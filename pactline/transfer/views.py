"""Pages of the transfer app: import (upload, preview, commit), export, calendar feeds and
closure days; and the calendar feed itself, reached by secret URL without signing in.

Reads go through permissions and the transfer back end, writes through its services with the
request's Actor. An uploaded file is staged (see `staging`) so that the preview and the commit
read the very same bytes.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.views.decorators.http import require_POST, require_safe

from pactline.accounts import permissions
from pactline.accounts.models import Role
from pactline.accounts.permissions import Actor, require
from pactline.accounts.terminology import terms_of
from pactline.contracts.forms import ContractFilterForm
from pactline.contracts.queries import ContractFilter, contract_list
from pactline.errors import Conflict, Forbidden, NotFound, ValidationFailed
from pactline.ops.throttle import failures_limited, refused
from pactline.transfer import services, staging
from pactline.transfer.closures import add_closure, import_closures, remove_closure
from pactline.transfer.export import export_workbook
from pactline.transfer.feeds import render_feed
from pactline.transfer.forms import (
    ClosureForm,
    ClosureImportForm,
    CommitForm,
    FeedForm,
    ImportOptionsForm,
    ImportUploadForm,
    PickForm,
)
from pactline.transfer.importing import CommitResult, ImportProblems, Preview
from pactline.transfer.importing.types import shown
from pactline.transfer.limits import limit
from pactline.transfer.models import FeedToken, ImportMapping, OrganisationClosure
from pactline.web.forms import submit
from pactline.web.http import actor_of, is_htmx, member_view, paginate

STOP_POLLING = 286  # htmx stops polling an element that receives this status
SHOWN_CHANGES = 200  # rows of created/updated objects listed in a preview
EXPORT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


# --- calendar feed (no sign-in: the secret is the credential) ---------------------------------


@require_safe
@failures_limited("link", refused)
def feed(request: HttpRequest, secret: str) -> HttpResponse:
    token = services.find_feed(secret)
    body = render_feed(token) if token is not None else None
    if body is None:  # unknown, revoked, or its owner no longer sees it: all look the same
        raise Http404("no such feed")
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="milestones.ics"'
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response


# --- import: upload ---------------------------------------------------------------------------


def _require_importer(actor: Actor) -> None:
    require(permissions.can_manage_contracts(actor), "Only managers and above import.")


def _mappings(actor: Actor) -> list[ImportMapping]:
    return list(ImportMapping.objects.filter(organisation=actor.organisation))


@member_view
def import_start(request: HttpRequest) -> HttpResponse:
    """Choose a file and options; the file is staged and its preview opens."""
    actor = actor_of(request)
    _require_importer(actor)
    form = ImportUploadForm(
        actor,
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if request.method == "POST" and form.validated():
        upload = form.cleaned_data["file"]
        staged = submit(form, lambda: staging.stage(actor, upload, upload.name, form.options()))
        if staged is not None:
            return redirect("import-preview", upload_id=staged.id)
    context = {"form": form, "mappings": _mappings(actor)}
    return render(request, "transfer/import.html", context, status=form.status)


@member_view
@require_POST
def mapping_remove(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    _require_importer(actor)
    form = PickForm(request.POST)
    if not form.is_valid():
        raise ValidationFailed.one("mapping", "choose the mapping to delete")
    saved = ImportMapping.objects.filter(
        organisation=actor.organisation, pk=form.cleaned_data["id"]
    ).first()
    if saved is None:
        raise NotFound("mapping not found")
    services.delete_mapping(actor, saved)
    messages.success(request, f"Mapping “{saved.name}” deleted.")
    return redirect("import")


# --- import: preview --------------------------------------------------------------------------


FORMAT_NAMES = {
    "csv": "CSV",
    "xlsx": "Excel workbook",
    "mspdi": "Microsoft Project XML",
    "gan": "GanttProject",
}
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "bar"}
ORDER_NAMES = {"dmy": "day first (31/12/2027)", "mdy": "month first (12/31/2027)"}
ACTION_NAMES = {"create": "Create", "update": "Update", "unchanged": "Unchanged"}


def _label(field: str) -> str:
    return field.removesuffix("_id").replace("_", " ").capitalize()


def _value(value: object) -> str:
    return shown(value) or "—"


def _changes(preview: Preview) -> tuple[list[dict[str, Any]], int]:
    """The rows that change something (created or updated), in file order, and how many."""
    changing = [c for c in (*preview.contracts, *preview.milestones) if c.action != "unchanged"]
    changing.sort(key=lambda c: (c.row, c.kind != "contract"))
    rows = []
    for c in changing[:SHOWN_CHANGES]:
        diffs = [(_label(f), _value(old), _value(new)) for f, (old, new) in c.changes.items()]
        if c.action == "create" and c.data.get("due_date"):
            diffs = [("Due date", "—", _value(c.data["due_date"]))]
        rows.append(
            {
                "row": c.row,
                "kind": c.kind,
                "label": c.label,
                "action": ACTION_NAMES[c.action],
                "diffs": diffs,
                "conflict": c.conflict,
            }
        )
    return rows, len(changing)


def _facts(preview: Preview) -> list[tuple[str, str]]:
    facts = [("Type", FORMAT_NAMES.get(preview.format, preview.format or "unknown"))]
    if preview.sheet:
        facts.append(("Sheet", preview.sheet))
    if preview.encoding:
        facts.append(("Encoding", preview.encoding))
    if preview.delimiter:
        facts.append(("Separator", DELIMITER_NAMES.get(preview.delimiter, preview.delimiter)))
    if preview.date_order in ORDER_NAMES:
        facts.append(("Dates", ORDER_NAMES[preview.date_order]))
    facts.append(("Rows read", f"{preview.rows_read:,}"))
    return facts


def _preview_context(
    request: HttpRequest,
    staged: staging.StagedImport,
    preview: Preview,
    options_form: ImportOptionsForm | None = None,
    commit_form: CommitForm | None = None,
    error: str = "",
) -> dict[str, Any]:
    changes, changing = _changes(preview)
    fingerprint = preview.fingerprint()
    return {
        "staged": staged,
        "preview": preview,
        "counts": preview.counts(),
        "changes": changes,
        "changes_hidden": changing - len(changes),
        "changing": changing,
        "facts": _facts(preview),
        "problem_count": len(preview.problems) + preview.problems_dropped,
        "is_plan": preview.format in ("mspdi", "gan"),
        "options_form": (options_form or ImportOptionsForm.for_preview(preview)).rename(
            terms_of(actor_of(request).organisation)
        ),
        "commit_form": commit_form
        or CommitForm(initial={"fingerprint": fingerprint, "override_conflicts": False}),
        "fingerprint": fingerprint,
        "error": error,
        "htmx": is_htmx(request),
    }


def _render_preview(
    request: HttpRequest, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    template = (
        "transfer/_import_preview.html" if is_htmx(request) else "transfer/import_preview.html"
    )
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


@member_view
def import_preview(request: HttpRequest, upload_id: str) -> HttpResponse:
    """The dry run of a staged file.

    The full page answers at once with a progress indicator that loads the preview (an htmx
    request, which plans the file while the indicator polls the progress); without JavaScript,
    `?wait=1` plans before answering. A POST reads the file again with other options.
    """
    actor = actor_of(request)
    _require_importer(actor)
    staged = staging.find(actor, upload_id)
    if request.method == "POST":
        return _change_options(request, actor, staged)
    if not is_htmx(request) and not request.GET.get("wait"):
        response = render(
            request, "transfer/import_preview.html", {"staged": staged, "loading": True}
        )
        patch_vary_headers(response, ["HX-Request"])
        return response
    preview = staging.preview(actor, staged)
    return _render_preview(request, _preview_context(request, staged, preview))


def _change_options(
    request: HttpRequest, actor: Actor, staged: staging.StagedImport
) -> HttpResponse:
    form = ImportOptionsForm(request.POST)
    if form.validated():
        options = form.options(staged.import_options())
        name = form.cleaned_data["save_as"].strip()
        mapping = options.mapping
        saved = True
        if name and mapping is not None:
            saved = submit(form, lambda: services.save_mapping(actor, name, mapping)) is not None
        if saved:
            staging.change_options(staged, options)
            if name and mapping is not None:
                messages.success(request, f"Mapping saved as “{name}”.")
            url = reverse("import-preview", args=[staged.id])
            if is_htmx(request):
                context = {"staged": staged, "loading": True}
                return render(request, "transfer/_import_loading.html", context)
            return redirect(url)
    preview = staging.preview(actor, staged)
    context = _preview_context(request, staged, preview, options_form=form)
    return _render_preview(request, context, status=form.status)


@member_view
@require_safe
def import_progress(request: HttpRequest, upload_id: str) -> HttpResponse:
    """How far the running preview or commit got: a small fragment the page polls.

    An upload that is gone (committed meanwhile: its answer is on the way) or not the
    actor's answers the same neutral fragment with 286, which tells htmx to stop polling.
    """
    actor = actor_of(request)
    _require_importer(actor)
    try:
        progress = staging.progress_of(staging.find(actor, upload_id))
        status = 200
    except (NotFound, Forbidden):
        progress, status = None, STOP_POLLING
    context = {"progress": progress}
    response = render(request, "transfer/_import_progress.html", context, status=status)
    add_never_cache_headers(response)
    return response


# --- import: commit ---------------------------------------------------------------------------


@member_view
@require_POST
def import_commit(request: HttpRequest, upload_id: str) -> HttpResponse:
    """Write exactly the previewed file, or explain why not (nothing is written then)."""
    actor = actor_of(request)
    _require_importer(actor)
    staged = staging.find(actor, upload_id)
    form = CommitForm(request.POST)
    if not form.is_valid():
        preview = staging.preview(actor, staged)
        error = "The page was incomplete; check the preview below and commit again."
        return _render_preview(
            request, _preview_context(request, staged, preview, error=error), 422
        )
    override = form.cleaned_data["override_conflicts"]
    try:
        result = staging.commit(actor, staged, form.cleaned_data["fingerprint"], override)
    except Conflict:
        preview = staging.preview(actor, staged, override)
        error = (
            "Nothing was imported: contracts or milestones changed since you saw the preview. "
            "Here is the preview again with the current data; check it and commit again."
        )
        context = _preview_context(request, staged, preview, error=error)
        return _render_preview(request, context, 409)
    except ImportProblems as exc:
        preview = staging.preview(actor, staged, override)
        error = f"Nothing was imported: {exc.message}"
        context = _preview_context(request, staged, preview, error=error)
        return _render_preview(request, context, 422)
    context = {"staged": staged, "result": result, "summary": _summary(result)}
    template = "transfer/_import_result.html" if is_htmx(request) else "transfer/import_result.html"
    return render(request, template, context)


def _summary(result: CommitResult) -> list[tuple[str, int, int, int]]:
    return [
        (kind.capitalize(), result.created[kind], result.updated[kind], result.unchanged[kind])
        for kind in ("contracts", "milestones")
    ]


# --- export -----------------------------------------------------------------------------------


def _export_filter(values: dict[str, Any]) -> ContractFilter:
    """The contract list's filters, read the same way as the list page reads them."""
    return ContractFilter(
        q=values.get("q"),
        status=[values["status"]] if "status" in values else None,
        party_id=values["party"].pk if "party" in values else None,
        owner_id=values["owner"].pk if "owner" in values else None,
        tag=values.get("tag"),
        health=values.get("health"),
    )


@member_view
@require_safe
def contract_export(request: HttpRequest) -> HttpResponse:
    """The contracts of the list (with its filters) in the importer's layout: XLSX or CSV."""
    actor = actor_of(request)
    fmt = request.GET.get("format", "xlsx")
    if fmt not in EXPORT_TYPES:
        raise ValidationFailed.one("format", "must be xlsx or csv")
    form = ContractFilterForm(actor, request.GET)
    values = form.values()
    contracts = contract_list(actor, _export_filter(values), values.get("sort", "number"))
    body = export_workbook(actor, contracts, format=fmt)
    response = HttpResponse(body, content_type=EXPORT_TYPES[fmt])
    filename = f"{actor.organisation.slug or 'pactline'}-contracts-{date.today().isoformat()}"
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    add_never_cache_headers(response)
    return response


# --- calendar feeds ---------------------------------------------------------------------------


def feed_url(secret: str) -> str:
    return settings.BASE_URL.rstrip("/") + reverse("calendar-feed", args=[secret])


def _feeds_page(
    request: HttpRequest,
    actor: Actor,
    form: FeedForm,
    created: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {"form": form, "feeds": services.feeds_of(actor), "created": created}
    response = render(request, "transfer/feeds.html", context, status=status)
    if created:
        add_never_cache_headers(response)  # the secret is shown once; keep it out of caches
    return response


@member_view
@require_safe
def feed_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    initial: dict[str, Any] = {}
    wanted = request.GET.get("contract", "")
    if wanted.isdigit() and len(wanted) < 19:
        contract = permissions.visible_contracts(actor).filter(pk=int(wanted)).first()
        if contract is not None:
            initial = {"scope": "contract", "contract": contract.pk}
    return _feeds_page(request, actor, FeedForm(actor, initial=initial))


@member_view
@require_POST
def feed_create(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = FeedForm(actor, request.POST)
    if form.validated():
        data = form.cleaned_data
        made = submit(form, lambda: services.create_feed(actor, data["scope"], data["contract"]))
        if made is not None:
            token, secret = made
            url = feed_url(secret)
            created = {
                "token": token,
                "url": url,
                "webcal": "webcal://" + url.split("://", 1)[-1],
            }
            return _feeds_page(request, actor, FeedForm(actor), created=created, status=201)
    return _feeds_page(request, actor, form, status=form.status)


@member_view
@require_POST
def feed_revoke(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = PickForm(request.POST)
    if not form.is_valid():
        raise ValidationFailed.one("feed", "choose the feed to revoke")
    token = FeedToken.objects.filter(
        organisation=actor.organisation, pk=form.cleaned_data["id"]
    ).first()
    if token is None:
        raise NotFound("feed not found")
    services.revoke_feed(actor, token)
    messages.success(
        request, f"Feed {token.hint}… revoked: calendars subscribed to it stop updating."
    )
    return redirect("feed-list")


# --- closure days -----------------------------------------------------------------------------


def _require_admin(actor: Actor) -> None:
    require(
        permissions.at_least(actor, Role.ADMIN),
        "Only admins and owners change the organisation's closure days.",
    )


def _closures_page(
    request: HttpRequest,
    actor: Actor,
    form: ClosureForm | None = None,
    import_form: ClosureImportForm | None = None,
    status: int = 200,
) -> HttpResponse:
    admin = permissions.at_least(actor, Role.ADMIN)
    closures = OrganisationClosure.objects.filter(organisation=actor.organisation)
    context = {
        "page_obj": paginate(request, closures.order_by("-date")),
        "can_change": admin,
        "form": (form or ClosureForm(auto_id="closure_%s")) if admin else None,
        "import_form": (import_form or ClosureImportForm(auto_id="ics_%s")) if admin else None,
    }
    return render(request, "transfer/closures.html", context, status=status)


@member_view
@require_safe
def closure_list(request: HttpRequest) -> HttpResponse:
    return _closures_page(request, actor_of(request))


def _day(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def _moved(count: int) -> str:
    if not count:
        return "No due date moved."
    return f"{count} due date{'s' if count != 1 else ''} moved."


@member_view
@require_POST
def closure_add(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    _require_admin(actor)
    form = ClosureForm(request.POST, auto_id="closure_%s")
    if form.validated():
        data = form.cleaned_data
        added = submit(form, lambda: add_closure(actor, data["date"], data["name"]))
        if added is not None:
            closure, moved = added
            messages.success(request, f"{_day(closure.date)} is now a closure day. {_moved(moved)}")
            return redirect("closure-list")
    return _closures_page(request, actor, form=form, status=form.status)


@member_view
@require_POST
def closure_remove(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    _require_admin(actor)
    form = PickForm(request.POST)
    if not form.is_valid():
        raise ValidationFailed.one("closure", "choose the closure day to remove")
    closure = OrganisationClosure.objects.filter(
        organisation=actor.organisation, pk=form.cleaned_data["id"]
    ).first()
    if closure is None:
        raise NotFound("closure day not found")
    moved = remove_closure(actor, closure)
    messages.success(request, f"{_day(closure.date)} is a working day again. {_moved(moved)}")
    return redirect("closure-list")


@member_view
@require_POST
def closure_import(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    _require_admin(actor)
    form = ClosureImportForm(request.POST, request.FILES, auto_id="ics_%s")
    if form.validated():
        upload = form.cleaned_data["file"]
        if upload.size > limit("PACTLINE_IMPORT_MAX_BYTES"):
            form.add_domain_errors({"file": ["is too large"]})
        else:
            result = submit(form, lambda: import_closures(actor, upload.read()))
            if result is not None:
                text = (
                    f"{result.added} closure day{'s' if result.added != 1 else ''} added, "
                    f"{result.unchanged} already there. {_moved(result.moved)}"
                )
                if result.skipped:
                    text += " Skipped: " + "; ".join(result.skipped[:5])
                    if len(result.skipped) > 5:
                        text += f" and {len(result.skipped) - 5} more"
                messages.success(request, text)
                return redirect("closure-list")
    return _closures_page(request, actor, import_form=form, status=form.status)

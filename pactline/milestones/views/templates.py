"""Milestone templates: list, read, create, edit (items with their due rules), duplicate,
delete; apply one to a contract, or save a contract's milestones as one."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from pactline.accounts import permissions
from pactline.accounts.permissions import Actor, get_visible, require
from pactline.accounts.terminology import terms_of
from pactline.activity.queries import subject_history
from pactline.errors import Conflict, ValidationFailed
from pactline.milestones import services
from pactline.milestones.forms import (
    ApplyTemplateForm,
    SaveTemplateForm,
    TemplateForm,
    TemplateItemForm,
    item_formset,
    item_initial,
    with_extra_row,
)
from pactline.milestones.forms.templates import PreviewForm, move_row
from pactline.milestones.models import MilestoneTemplate
from pactline.milestones.types import choices as type_choices
from pactline.milestones.views.common import HISTORY_ON_PAGE, contract_of
from pactline.web.forms import submit
from pactline.web.http import actor_of, member_view, posted


def _template(actor: Actor, pk: int) -> MilestoneTemplate:
    return get_visible(permissions.visible_templates(actor), pk, "template")


@member_view
def template_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    templates = permissions.visible_templates(actor).annotate(item_count=Count("items"))
    return render(
        request, "milestones/template_list.html", {"templates": templates.order_by("name", "pk")}
    )


@member_view
def template_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    template = _template(actor, pk)
    items = template.items.select_related("anchor_item").prefetch_related("checklist")
    events = (
        []
        if template.is_builtin
        else subject_history(actor, "milestonetemplate", template.pk)[:HISTORY_ON_PAGE]
    )
    return render(
        request,
        "milestones/template_detail.html",
        {
            "template": template,
            "items": items,
            "events": events,
            "can_edit": permissions.can_manage_templates(actor) and not template.is_builtin,
        },
    )


def _items_from(formset: Any) -> tuple[list[dict[str, Any]], list[TemplateItemForm]]:
    """The items in their chosen order, and the form each came from (for its errors).

    "After item" names a row as numbered on the page; the service wants the index of that
    item in the final order (a removed or empty row is no item: the service says so)."""
    sources = [f for f in formset.ordered_forms if f.has_changed() or f.initial]
    index = {id(form): i for i, form in enumerate(sources)}
    items = []
    for form in sources:
        item = form.to_item()
        row = item["anchor_item"]
        if row is not None:
            target = formset.forms[row - 1] if 0 < row <= len(formset.forms) else None
            item["anchor_item"] = index.get(id(target))
        items.append(item)
    return items, sources


def _template_errors(
    form: TemplateForm, sources: list[TemplateItemForm], exc: ValidationFailed
) -> None:
    top: dict[str, list[str]] = {}
    for key, msgs in exc.errors.items():
        parts = key.split(".")
        if parts[0] == "items" and len(parts) >= 3 and parts[1].isdigit():
            target = sources[int(parts[1])]
            field = parts[2] if parts[2] in target.fields else None
            for msg in msgs:
                target.add_error(field, msg)
        else:
            top[key] = msgs
    form.add_domain_errors(top)
    form.status = 422


def _save_template(form: TemplateForm, formset: Any, action: Any) -> MilestoneTemplate | None:
    items, sources = _items_from(formset)
    try:
        return action(items)  # type: ignore[no-any-return]
    except ValidationFailed as exc:
        _template_errors(form, sources, exc)
    except Conflict:
        form.add_conflict()
    return None


def _template_form_page(
    request: HttpRequest,
    form: TemplateForm,
    formset: Any,
    template: MilestoneTemplate | None,
    preview: dict[str, Any] | None = None,
) -> HttpResponse:
    heading = f"Edit {template.name}" if template else "New milestone template"
    context = {
        "form": form,
        "formset": formset,
        "template": template,
        "heading": heading,
        "preview_form": (preview or {}).get("form") or PreviewForm(posted(request)),
        "preview_rows": (preview or {}).get("rows"),
        "problems": _problems(formset) if formset.is_bound else [],
    }
    status = form.status
    if preview is not None:
        status = preview.get("status", 200)
    elif status == 200 and formset.is_bound and not _redisplay(request):
        status = 422  # a submitted form shown again had errors
    return render(request, "milestones/template_form.html", context, status=status)


def _problems(formset: Any) -> list[str]:
    """Every item error as one line naming the item and the field, for the summary on top."""
    out = []
    for number, form in enumerate(formset.forms, start=1):
        if not form.is_bound or not form.errors:
            continue
        name = f"Milestone {number}" + (f" “{form.row_title}”" if form.row_title else "")
        for field, messages_ in form.errors.items():
            label = form.fields[field].label if field in form.fields else None
            label = label or (field.replace("_", " ").capitalize() if field != "__all__" else "")
            for message in messages_:
                out.append(f"{name}, {label}: {message}" if label else f"{name}: {message}")
    return out


def _adding_row(request: HttpRequest) -> bool:
    return request.method == "POST" and "add_row" in request.POST


def _moving(request: HttpRequest) -> tuple[int, int] | None:
    """("Move up" / "Move down" on a row): its index and the step, else None."""
    if request.method != "POST" or "move" not in request.POST:
        return None
    index, _, direction = request.POST["move"].partition(":")
    if not index.isdigit() or direction not in ("up", "down"):
        return None
    return int(index), -1 if direction == "up" else 1


def _previewing(request: HttpRequest) -> bool:
    return request.method == "POST" and "preview" in request.POST


def _redisplay(request: HttpRequest) -> bool:
    """A POST that shows the form again instead of saving: add a row, move one, preview."""
    return _adding_row(request) or _moving(request) is not None or _previewing(request)


def _submitted(request: HttpRequest) -> bool:
    return request.method == "POST" and not _redisplay(request)


def _template_forms(
    request: HttpRequest,
    initial: dict[str, Any],
    items: list[dict[str, Any]] | None,
    template: MilestoneTemplate | None = None,
) -> tuple[TemplateForm, Any]:
    """The template form and its items; "Add a row" redisplays them with one more row, "Move
    up/down" with the row moved, "Preview dates" as typed."""
    data = posted(request)
    actor = actor_of(request)
    kept = {i.kind for i in template.items.all()} if template is not None else set()
    kinds = type_choices(actor.organisation.pk)
    kinds += [(k, k.replace("_", " ")) for k in sorted(kept) if k not in {c for c, _ in kinds}]
    if _redisplay(request):  # not a submission: show the typed values without complaints
        typed = {k: data.get(k) for k in ("name", "description", "version")}
        if _adding_row(request):
            data = with_extra_row(data)
        elif (move := _moving(request)) is not None:
            data = move_row(data, *move)
        return TemplateForm(initial=typed), item_formset(data, items, kinds)
    return TemplateForm(data, initial=initial), item_formset(data, items, kinds)


def _preview(request: HttpRequest, formset: Any) -> dict[str, Any]:
    """The dates the typed items would get (nothing is saved); errors name item and field."""
    actor = actor_of(request)
    preview_form = PreviewForm(posted(request))
    result: dict[str, Any] = {"form": preview_form, "rows": None, "status": 422}
    if not (preview_form.is_valid() & formset.is_valid()):
        return result
    items, sources = _items_from(formset)
    try:
        rows = services.preview_template(actor, items, **preview_form.options())
    except ValidationFailed as exc:
        for key, msgs in exc.errors.items():
            parts = key.split(".")
            if parts[0] == "items" and len(parts) >= 3 and parts[1].isdigit():
                target = sources[int(parts[1])]
                item_field = parts[2] if parts[2] in target.fields else None
                for msg in msgs:
                    target.add_error(item_field, msg)
                continue
            field = key if key in preview_form.fields else None
            for msg in msgs:
                preview_form.add_error(field, msg)
        return result
    for row in rows:
        row["number"] = row["index"] + 1
    result.update(rows=rows, status=200)
    return result


@member_view
def template_create(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    require(permissions.can_manage_templates(actor), "Only managers and above manage templates.")
    form, formset = _template_forms(request, {}, None)
    del form.fields["version"]
    if _previewing(request):
        return _template_form_page(request, form, formset, None, _preview(request, formset))
    if _submitted(request) and form.validated() & formset.is_valid():
        d = form.cleaned_data
        template = _save_template(
            form,
            formset,
            lambda items: services.create_template(actor, d["name"], d["description"], items),
        )
        if template is not None:
            messages.success(request, f"Template {template.name} created.")
            return redirect("template-detail", pk=template.pk)
    return _template_form_page(request, form, formset, None)


@member_view
def template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    template = _template(actor, pk)
    require(permissions.can_manage_templates(actor), "Only managers and above manage templates.")
    require(
        not template.is_builtin,
        "Built-in templates cannot be changed; duplicate it and edit the copy.",
    )
    initial = {
        "name": template.name,
        "description": template.description,
        "version": template.version,
    }
    form, formset = _template_forms(request, initial, item_initial(template), template)
    if _previewing(request):
        return _template_form_page(request, form, formset, template, _preview(request, formset))
    if _submitted(request) and form.validated() & formset.is_valid():
        d = form.cleaned_data
        saved = _save_template(
            form,
            formset,
            lambda items: services.update_template(
                actor,
                template,
                {"name": d["name"], "description": d["description"], "items": items},
                d["version"],
            ),
        )
        if saved is not None:
            messages.success(request, f"Template {saved.name} saved.")
            return redirect("template-detail", pk=saved.pk)
    return _template_form_page(request, form, formset, template)


def _name_form_page(
    request: HttpRequest,
    form: SaveTemplateForm,
    context: dict[str, Any],
) -> HttpResponse:
    return render(
        request, "milestones/template_name_form.html", {"form": form, **context}, status=form.status
    )


@member_view
def template_duplicate(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    template = _template(actor, pk)
    require(permissions.can_manage_templates(actor), "Only managers and above manage templates.")
    form = SaveTemplateForm(posted(request), initial={"name": f"Copy of {template.name}"})
    if request.method == "POST" and form.validated():
        copy = submit(
            form, lambda: services.duplicate_template(actor, template, form.cleaned_data["name"])
        )
        if copy is not None:
            messages.success(request, f"Template {copy.name} created from {template.name}.")
            for notice in getattr(copy, "notices", []):
                messages.warning(request, notice)
            return redirect("template-detail", pk=copy.pk)
    return _name_form_page(
        request,
        form,
        {
            "heading": f"Duplicate {template.name}",
            "button": "Duplicate template",
            "action": reverse("template-duplicate", args=[template.pk]),
            "cancel": reverse("template-detail", args=[template.pk]),
        },
    )


@member_view
def template_delete(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    template = _template(actor, pk)
    require(permissions.can_manage_templates(actor), "Only managers and above manage templates.")
    require(not template.is_builtin, "Built-in templates cannot be deleted.")
    if request.method == "POST":
        services.delete_template(actor, template)
        messages.success(request, f"Template {template.name} deleted.")
        return redirect("template-list")
    return render(
        request,
        "web/confirm_delete.html",
        {
            "what": "template",
            "object": template,
            "action": reverse("template-delete", args=[template.pk]),
            "cancel": reverse("template-detail", args=[template.pk]),
            "warning": f"{terms_of(actor.organisation).contracts} that used it keep their "
            f"{terms_of(actor.organisation).milestones_lower}. This cannot be undone.",
        },
    )


@member_view
def contract_apply_template(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    contract = contract_of(actor, pk)
    require(permissions.can_manage_contracts(actor), "Only managers and above apply templates.")
    form = ApplyTemplateForm(actor, posted(request))
    if request.method == "POST" and form.validated():
        template = form.cleaned_data["template"]
        created = submit(form, lambda: services.apply_template(actor, contract, template.pk))
        if created is not None:
            messages.success(
                request, f"Template {template.name} applied: {len(created)} milestones added."
            )
            return redirect(reverse("contract-detail", args=[contract.pk]) + "#milestones")
    return render(
        request,
        "milestones/apply_template.html",
        {"form": form, "contract": contract},
        status=form.status,
    )


@member_view
def contract_save_template(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    contract = contract_of(actor, pk)
    require(permissions.can_manage_templates(actor), "Only managers and above manage templates.")
    form = SaveTemplateForm(posted(request), initial={"name": f"From {contract.number}"})
    if request.method == "POST" and form.validated():
        template = submit(
            form,
            lambda: services.template_from_contract(actor, contract, form.cleaned_data["name"]),
        )
        if template is not None:
            messages.success(request, f"Template {template.name} saved from {contract.number}.")
            for notice in getattr(template, "notices", []):
                messages.warning(request, notice)
            return redirect("template-detail", pk=template.pk)
    return _name_form_page(
        request,
        form,
        {
            "heading": f"Save {contract.number}'s "
            f"{terms_of(actor.organisation).milestones_lower} as a template",
            "button": "Save as template",
            "contract": contract,
            "action": reverse("contract-save-template", args=[contract.pk]),
            "cancel": reverse("contract-detail", args=[contract.pk]),
        },
    )

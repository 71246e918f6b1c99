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
from pactline.milestones.models import MilestoneTemplate
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
    request: HttpRequest, form: TemplateForm, formset: Any, template: MilestoneTemplate | None
) -> HttpResponse:
    heading = f"Edit {template.name}" if template else "New milestone template"
    context = {"form": form, "formset": formset, "template": template, "heading": heading}
    status = form.status
    if status == 200 and formset.is_bound and not _adding_row(request):
        status = 422  # a submitted form shown again had errors
    return render(request, "milestones/template_form.html", context, status=status)


def _adding_row(request: HttpRequest) -> bool:
    return request.method == "POST" and "add_row" in request.POST


def _submitted(request: HttpRequest) -> bool:
    return request.method == "POST" and not _adding_row(request)


def _template_forms(
    request: HttpRequest, initial: dict[str, Any], items: list[dict[str, Any]] | None
) -> tuple[TemplateForm, Any]:
    """The template form and its items; "Add a row" redisplays them with one more row."""
    data = posted(request)
    if _adding_row(request):  # not a submission: show the typed values without complaints
        typed = {k: data.get(k) for k in ("name", "description", "version")}
        return TemplateForm(initial=typed), item_formset(with_extra_row(data), items)
    return TemplateForm(data, initial=initial), item_formset(data, items)


@member_view
def template_create(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    require(permissions.can_manage_templates(actor), "Only managers and above manage templates.")
    form, formset = _template_forms(request, {}, None)
    del form.fields["version"]
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
    form, formset = _template_forms(request, initial, item_initial(template))
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
            "warning": "Contracts that used it keep their milestones. This cannot be undone.",
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
            return redirect("template-detail", pk=template.pk)
    return _name_form_page(
        request,
        form,
        {
            "heading": f"Save {contract.number}'s milestones as a template",
            "button": "Save as template",
            "contract": contract,
            "action": reverse("contract-save-template", args=[contract.pk]),
            "cancel": reverse("contract-detail", args=[contract.pk]),
        },
    )

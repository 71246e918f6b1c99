"""Web pages for milestones, their checklists and status, and milestone templates.

Reads go through permissions.visible_*, writes through milestones.services with request.actor.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from pactline.accounts import permissions
from pactline.accounts.permissions import Actor, get_visible, require
from pactline.activity.queries import subject_history
from pactline.contracts.models import Contract
from pactline.errors import Conflict, ValidationFailed
from pactline.milestones import services
from pactline.milestones.forms import (
    ApplyTemplateForm,
    ChecklistItemForm,
    MilestoneForm,
    SaveTemplateForm,
    StatusForm,
    TemplateForm,
    TemplateItemForm,
    item_formset,
    item_initial,
    with_extra_row,
)
from pactline.milestones.models import ChecklistItem, Milestone, MilestoneStatus, MilestoneTemplate
from pactline.milestones.queries import portfolio_today, with_details
from pactline.web.forms import submit
from pactline.web.http import actor_of, is_htmx, member_view, posted

S = MilestoneStatus
HISTORY_ON_PAGE = 12
CAN_NOT_CHANGE = "You may change only the milestones you own; managers change any."


def _contract(actor: Actor, pk: int) -> Contract:
    return get_visible(permissions.visible_contracts(actor), pk, "contract")


def _milestone(actor: Actor, pk: int) -> Milestone:
    qs = with_details(permissions.visible_milestones(actor), portfolio_today(actor))
    return get_visible(qs, pk, "milestone")


# --- status buttons ---------------------------------------------------------------------------


def transition_label(current: str, target: str) -> str:
    if target == S.IN_PROGRESS:
        return "Start work" if current == S.PLANNED else "Back to in progress"
    if target == S.PLANNED:
        return "Restore" if current == S.CANCELLED else "Back to planned"
    return {
        S.SUBMITTED: "Submit for acceptance" if current != S.REJECTED else "Resubmit",
        S.ACCEPTED: "Accept",
        S.REJECTED: "Reject",
        S.DONE: "Mark done",
        S.CANCELLED: "Cancel milestone",
    }.get(target, S(target).label)


def _buttons(actor: Actor, m: Milestone) -> list[dict[str, str]]:
    return [
        {
            "status": t,
            "label": transition_label(m.status, t),
            "css": "danger"
            if t in (S.REJECTED, S.CANCELLED)
            else "primary"
            if t in (S.ACCEPTED, S.DONE, S.SUBMITTED)
            else "",
        }
        for t in services.allowed_transitions(actor, m)
    ]


# --- milestone page ---------------------------------------------------------------------------


def _checklist_context(
    actor: Actor, m: Milestone, form: ChecklistItemForm | None = None
) -> dict[str, Any]:
    items = list(m.checklist.select_related("done_by"))
    return {
        "milestone": m,
        "items": items,
        "done_count": sum(1 for i in items if i.done),
        "can_change": permissions.can_change_milestone(actor, m),
        "checklist_form": form or ChecklistItemForm(auto_id="checklist_%s"),
    }


def _detail_context(
    actor: Actor,
    m: Milestone,
    status_form: StatusForm | None = None,
    checklist_form: ChecklistItemForm | None = None,
) -> dict[str, Any]:
    buttons = _buttons(actor, m)
    return {
        **_checklist_context(actor, m, checklist_form),
        "contract": m.contract,
        "buttons": buttons,
        "ask_completed_on": any(b["status"] in (S.DONE, S.ACCEPTED) for b in buttons),
        "status_form": status_form
        or StatusForm(auto_id="status_%s", initial={"version": m.version}),
        "can_delete": permissions.can_delete_milestone(actor, m),
        "events": subject_history(actor, "milestone", m.pk)[:HISTORY_ON_PAGE],
    }


def _render_detail(
    request: HttpRequest, m: Milestone, status: int = 200, **forms: Any
) -> HttpResponse:
    context = _detail_context(actor_of(request), m, **forms)
    return render(request, "milestones/milestone_detail.html", context, status=status)


@member_view
def milestone_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, _milestone(actor_of(request), pk))


@member_view
@require_POST
def milestone_status(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    m = _milestone(actor, pk)
    require(
        permissions.can_change_milestone(actor, m) or permissions.can_decide_acceptance(actor, m),
        "Only the owner, the approver or a manager changes this milestone's status.",
    )
    form = StatusForm(request.POST, auto_id="status_%s")
    if form.validated():
        d = form.cleaned_data
        saved = submit(
            form,
            lambda: services.transition(
                actor, m, d["status"], d["version"], note=d["note"], completed_on=d["completed_on"]
            ),
        )
        if saved is not None:
            messages.success(request, f"{saved.title} is now {S(saved.status).label.lower()}.")
            return redirect("milestone-detail", pk=m.pk)
    if form.has_error("status"):  # no status field on the page: say it above the buttons
        for message in form.errors.pop("status"):
            form.add_error(None, f"That status change is not possible. {message}")
    return _render_detail(request, m, status=form.status, status_form=form)


@member_view
def milestone_create(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    contract = _contract(actor, pk)
    require(
        permissions.can_create_milestone(actor, contract), "Only managers and above add milestones."
    )
    form = MilestoneForm(actor, contract, posted(request))
    if request.method == "POST" and form.validated():
        m = submit(form, lambda: services.create_milestone(actor, contract, form.to_data()))
        if m is not None:
            messages.success(request, f"Milestone {m.title} added.")
            return redirect("milestone-detail", pk=m.pk)
    context = {
        "form": form,
        "contract": contract,
        "milestone": None,
        "heading": f"New milestone for {contract.number}",
    }
    return render(request, "milestones/milestone_form.html", context, status=form.status)


@member_view
def milestone_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    m = _milestone(actor, pk)
    require(permissions.can_change_milestone(actor, m), CAN_NOT_CHANGE)
    form = MilestoneForm(
        actor, m.contract, posted(request), milestone=m, initial=MilestoneForm.initial_for(m)
    )
    if request.method == "POST" and form.validated():
        saved = submit(
            form,
            lambda: services.update_milestone(
                actor,
                m,
                form.to_data(),
                form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
            ),
        )
        if saved is not None:
            messages.success(request, f"Milestone {saved.title} saved.")
            return redirect("milestone-detail", pk=saved.pk)
    context = {"form": form, "contract": m.contract, "milestone": m, "heading": f"Edit {m.title}"}
    return render(request, "milestones/milestone_form.html", context, status=form.status)


@member_view
def milestone_delete(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    m = _milestone(actor, pk)
    require(permissions.can_delete_milestone(actor, m), "Only managers delete milestones.")
    context: dict[str, Any] = {
        "what": "milestone",
        "object": m,
        "action": reverse("milestone-delete", args=[m.pk]),
        "cancel": reverse("milestone-detail", args=[m.pk]),
    }
    if request.method == "POST":
        try:
            services.delete_milestone(actor, m)
        except ValidationFailed as exc:
            context["problems"] = [
                f"This milestone cannot go yet: {msg}."
                for msgs in exc.errors.values()
                for msg in msgs
            ]
            return render(request, "web/confirm_delete.html", context, status=422)
        messages.success(request, f"Milestone {m.title} deleted.")
        return redirect("contract-detail", pk=m.contract_id)
    return render(request, "web/confirm_delete.html", context)


@member_view
@require_POST
def milestone_move(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    m = _milestone(actor, pk)
    require(permissions.can_manage_contracts(actor), "Only managers and above reorder milestones.")
    step = {"up": -1, "down": 1}.get(request.POST.get("direction", ""))
    if step is None:
        raise ValidationFailed.one("direction", "must be up or down")
    services.move(actor, m, step)
    return redirect(reverse("contract-detail", args=[m.contract_id]) + "#milestones")


# --- checklist --------------------------------------------------------------------------------


def _checklist_item(actor: Actor, pk: int) -> ChecklistItem:
    qs = ChecklistItem.objects.select_related("milestone__contract").filter(
        milestone__in=permissions.visible_milestones(actor)
    )
    return get_visible(qs, pk, "checklist item")


def _checklist_answer(
    request: HttpRequest, m: Milestone, form: ChecklistItemForm | None = None
) -> HttpResponse:
    """The checklist fragment for htmx; otherwise back to the milestone page."""
    status = form.status if form is not None else 200
    if is_htmx(request):
        context = _checklist_context(actor_of(request), m, form)
        return render(request, "milestones/_checklist.html", context, status=status)
    if form is not None and status != 200:
        return _render_detail(request, m, status=status, checklist_form=form)
    return redirect(reverse("milestone-detail", args=[m.pk]) + "#checklist")


@member_view
@require_POST
def checklist_add(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    m = _milestone(actor, pk)
    require(permissions.can_change_milestone(actor, m), CAN_NOT_CHANGE)
    form = ChecklistItemForm(request.POST, auto_id="checklist_%s")
    if form.validated() and submit(
        form, lambda: services.add_checklist_item(actor, m, form.cleaned_data["title"])
    ):
        form = None
    return _checklist_answer(request, m, form)


@member_view
@require_POST
def checklist_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    """Set an item done or not done: `done` says which, so a double click changes nothing."""
    actor = actor_of(request)
    item = _checklist_item(actor, pk)
    done = request.POST.get("done", "") in ("1", "true", "on")
    services.set_checklist_item(actor, item, done=done)
    return _checklist_answer(request, _milestone(actor, item.milestone_id))


@member_view
@require_POST
def checklist_delete(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    item = _checklist_item(actor, pk)
    services.delete_checklist_item(actor, item)
    return _checklist_answer(request, _milestone(actor, item.milestone_id))


# --- templates --------------------------------------------------------------------------------


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
    items = template.items.prefetch_related("checklist")
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
    """The items in their chosen order, and the form each came from (for its errors)."""
    sources = [f for f in formset.ordered_forms if f.has_changed() or f.initial]
    return [f.to_item() for f in sources], sources


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
    contract = _contract(actor, pk)
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
    contract = _contract(actor, pk)
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

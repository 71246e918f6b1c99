"""Settings pages for custom fields (owners and admins): list by object type, define, change,
move up or down, delete (with its values, in batches)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from pactline.accounts import permissions
from pactline.accounts.permissions import Actor, get_visible, require
from pactline.customfields import services
from pactline.customfields.forms import DefinitionForm
from pactline.customfields.models import CustomField, ObjectType
from pactline.web.forms import submit
from pactline.web.http import actor_of, member_view, posted

FORBIDDEN = "Only owners and admins define custom fields."


def _allowed(actor: Actor) -> None:
    require(permissions.can_manage_custom_fields(actor), FORBIDDEN)


def _field(actor: Actor, pk: int) -> CustomField:
    return get_visible(CustomField.objects.filter(organisation=actor.organisation), pk, "field")


@member_view
def field_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    _allowed(actor)
    fields = list(CustomField.objects.filter(organisation=actor.organisation))
    groups = [
        (value, label, [f for f in fields if f.object_type == value])
        for value, label in ObjectType.choices
    ]
    return render(request, "customfields/field_list.html", {"groups": groups})


@member_view
def field_create(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    _allowed(actor)
    initial = {"object_type": request.GET.get("object_type", ObjectType.CONTRACT)}
    form = DefinitionForm(posted(request), initial=initial)
    if request.method == "POST" and form.validated():
        field = submit(form, lambda: services.create_field(actor, form.to_data(creating=True)))
        if field is not None:
            messages.success(request, f"Custom field {field.label} added.")
            return redirect("custom-field-list")
    context = {"form": form, "field": None, "heading": "New custom field"}
    return render(request, "customfields/field_form.html", context, status=form.status)


@member_view
def field_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    _allowed(actor)
    field = _field(actor, pk)
    form = DefinitionForm(posted(request), field=field, initial=DefinitionForm.initial_for(field))
    if request.method == "POST" and form.validated():
        saved = submit(
            form,
            lambda: services.update_field(
                actor, field, form.to_data(creating=False), form.cleaned_data["version"]
            ),
        )
        if saved is not None:
            messages.success(request, f"Custom field {saved.label} saved.")
            return redirect("custom-field-list")
    context = {"form": form, "field": field, "heading": f"Edit {field.label}"}
    return render(request, "customfields/field_form.html", context, status=form.status)


@member_view
@require_POST
def field_move(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    _allowed(actor)
    field = _field(actor, pk)
    ids = list(
        CustomField.objects.filter(
            organisation=actor.organisation, object_type=field.object_type
        ).values_list("pk", flat=True)
    )
    at = ids.index(field.pk)
    step = -1 if request.POST.get("direction") == "up" else 1
    if 0 <= at + step < len(ids):
        ids[at], ids[at + step] = ids[at + step], ids[at]
        services.reorder_fields(actor, field.object_type, ids)
    return redirect(f"{reverse('custom-field-list')}#{field.object_type}-fields")


@member_view
def field_delete(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    _allowed(actor)
    field = _field(actor, pk)
    if request.method == "POST":
        removed = services.delete_field(actor, field)
        messages.success(request, f"Custom field {field.label} deleted ({removed} values removed).")
        return redirect("custom-field-list")
    return render(
        request,
        "web/confirm_delete.html",
        {
            "what": "custom field",
            "object": field,
            "action": reverse("custom-field-delete", args=[field.pk]),
            "cancel": reverse("custom-field-list"),
            "warning": f"This deletes the field and its value on every {field.object_type}. "
            "It cannot be undone; the history keeps a record of the deletion.",
        },
    )

"""Web pages for contracts, parties and contacts. Reads go through permissions.visible_*,
writes through contracts.services with the request's Actor."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_POST

from pactline.accounts import permissions
from pactline.accounts.models import Role
from pactline.accounts.permissions import Actor, get_visible, require
from pactline.accounts.terminology import Terms, terms_of
from pactline.activity.queries import contract_history, subject_history
from pactline.contracts import services
from pactline.contracts.forms import (
    CloseContractForm,
    ContactForm,
    ContractFilterForm,
    ContractForm,
    PartyForm,
)
from pactline.contracts.models import Contact, Contract, ContractStatus, Party, PartyKind
from pactline.contracts.queries import ContractFilter
from pactline.customfields.forms import add_fields as add_custom_fields
from pactline.errors import ValidationFailed
from pactline.milestones.builtin import STANDARD_DELIVERY
from pactline.milestones.forms import ApplyTemplateForm, SaveTemplateForm, SeriesForm, rule_label
from pactline.milestones.models import Milestone
from pactline.milestones.queries import contract_milestones, portfolio_today
from pactline.reports.charts import TimelineItem, timeline_svg
from pactline.savedviews.models import ListKey
from pactline.savedviews.web import prepare as list_state
from pactline.web.forms import submit
from pactline.web.http import actor_of, is_htmx, member_view, paginate, portal_view, posted

HISTORY_ON_PAGE = 12


def words(actor: Actor) -> Terms:
    """The organisation's words for Contract, Milestone and Party (messages, headings)."""
    return terms_of(actor.organisation)


# --- contract list ----------------------------------------------------------------------------


def _contract_filter(values: dict[str, Any]) -> ContractFilter:
    return ContractFilter(
        q=values.get("q"),
        status=[values["status"]] if "status" in values else None,
        party_id=values["party"].pk if "party" in values else None,
        owner_id=values["owner"].pk if "owner" in values else None,
        tag=values.get("tag"),
        health=values.get("health"),
    )


@portal_view
def contract_list_view(request: HttpRequest) -> HttpResponse:
    """The full page, or (for htmx) only the results table, for the same filters. The columns
    and saved views come from pactline.savedviews (`?cols=`, `?view=`)."""
    state = list_state(request, ListKey.CONTRACTS)
    if isinstance(state, HttpResponse):
        return state  # opening a saved view (or the person's default one)
    actor = actor_of(request)
    form = ContractFilterForm(actor, request.GET or None)
    values = form.values() if form.is_bound else {}
    sort = values.get("sort", "number")
    page = paginate(request, state.spec.rows(actor, request.GET, state.available))
    context = {
        "form": form,
        "page_obj": page,
        "lv_rows": state.rows(page.object_list),
        "sort": sort,
        "filtered": bool(values.keys() - {"sort"}),
        "htmx": is_htmx(request),
        **state.context(),
    }
    template = (
        "contracts/_contract_results.html" if is_htmx(request) else "contracts/contract_list.html"
    )
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


# --- one contract -----------------------------------------------------------------------------


def _contract(actor: Actor, pk: int) -> Contract:
    qs = permissions.visible_contracts(actor).select_related("owner")
    return get_visible(qs.prefetch_related("parties", "tags"), pk, "contract")


def _timeline(contract: Contract, milestones: list[Milestone], actor: Actor) -> str:
    items = [
        TimelineItem(m.title, m.due_date, m.baseline_due_date, getattr(m, "health", "on_track"))
        for m in milestones
    ]
    return timeline_svg(
        items,
        portfolio_today(actor),
        title=f"Timeline of {contract.number}",
        start=contract.start_on,
        end=contract.end_on,
        words=words(actor),
    )


def _series(actor: Actor, contract: Contract) -> list[Any]:
    """The contract's recurring obligations, each with its rule in words and how many
    occurrences exist so far."""
    rows = list(
        permissions.visible_series(actor)
        .filter(contract=contract)
        .annotate(occurrence_count=Count("items"))
        .order_by("pk")
    )
    for row in rows:
        row.rule_label = rule_label(row.rrule)
    return rows


def _detail_context(actor: Actor, contract: Contract) -> dict[str, Any]:
    milestones = list(contract_milestones(actor, contract.pk))
    manage = permissions.can_manage_contracts(actor)
    return {
        "series": _series(actor, contract),
        "series_form": SeriesForm(actor, contract) if manage else None,
        "contract": contract,
        "rows": [(m, permissions.can_change_milestone(actor, m)) for m in milestones],
        "milestones": milestones,
        "payments_total": sum((m.payment_amount or 0) for m in milestones),
        "timeline": _timeline(contract, milestones, actor),
        "events": contract_history(actor, contract.pk)[:HISTORY_ON_PAGE],
        "history_url": reverse("contract-history", args=[contract.pk]),
        "can_manage": manage,
        "can_delete": permissions.at_least(actor, Role.ADMIN),
        "apply_form": ApplyTemplateForm(actor, auto_id="apply_%s") if manage else None,
        "save_form": SaveTemplateForm(
            auto_id="save_%s", initial={"name": f"From {contract.number}"}
        )
        if permissions.can_manage_templates(actor)
        else None,
        "closeable": manage and not contract.is_closed,
    }


@portal_view
def contract_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    contract = _contract(actor, pk)
    return render(request, "contracts/contract_detail.html", _detail_context(actor, contract))


@portal_view
def contract_timeline(request: HttpRequest, pk: int) -> HttpResponse:
    """The timeline alone, as an SVG image (for e-mails, documents and embedding)."""
    actor = actor_of(request)
    contract = _contract(actor, pk)
    svg = _timeline(contract, list(contract_milestones(actor, contract.pk)), actor)
    return HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")


@portal_view
def contract_history_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    contract = _contract(actor, pk)
    page = paginate(request, contract_history(actor, contract.pk))
    context = {"contract": contract, "page_obj": page, "events": page.object_list}
    return render(request, "contracts/contract_history.html", context)


def _new_contract_initial(actor: Actor) -> dict[str, Any]:
    org = actor.organisation
    standard = permissions.visible_templates(actor).filter(builtin_key=STANDARD_DELIVERY).first()
    return {
        "currency": org.default_currency,
        "time_zone": org.default_time_zone,
        "owner": actor.user_id,
        "status": ContractStatus.DRAFT,
        "template": standard.pk if standard else None,
    }


@member_view
def contract_create(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    require(permissions.can_manage_contracts(actor), "Only managers and above create contracts.")
    form = ContractForm(actor, posted(request), initial=_new_contract_initial(actor))
    if request.method == "POST" and form.validated():
        template = form.cleaned_data["template"]
        contract = submit(
            form,
            lambda: services.create_contract(
                actor, form.to_data(), template.pk if template else None
            ),
        )
        if contract is not None:
            messages.success(request, f"{words(actor).contract} {contract.number} created.")
            return redirect("contract-detail", pk=contract.pk)
    context = {
        "form": form,
        "contract": None,
        "heading": f"New {words(actor).contract_lower}",
    }
    return render(request, "contracts/contract_form.html", context, status=form.status)


@member_view
def contract_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    contract = _contract(actor, pk)
    require(permissions.can_manage_contracts(actor), "Only managers and above change contracts.")
    form = ContractForm(
        actor, posted(request), contract=contract, initial=ContractForm.initial_for(contract)
    )
    if request.method == "POST" and form.validated():
        saved = submit(
            form,
            lambda: services.update_contract(
                actor, contract, form.to_data(), form.cleaned_data["version"]
            ),
        )
        if saved is not None:
            messages.success(request, f"{words(actor).contract} {saved.number} saved.")
            return redirect("contract-detail", pk=saved.pk)
    context = {
        "form": form,
        "contract": contract,
        "heading": f"Edit {contract.number}",
        "can_preview": True,  # managers only reach this page; the preview is theirs too
    }
    return render(request, "contracts/contract_form.html", context, status=form.status)


@member_view
@require_POST
def contract_close(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    contract = _contract(actor, pk)
    require(permissions.can_manage_contracts(actor), "Only managers and above close contracts.")
    form = CloseContractForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose whether the contract was completed or terminated.")
        return redirect("contract-detail", pk=contract.pk)
    status = form.cleaned_data["status"]
    services.close_contract(actor, contract, status, form.cleaned_data["version"])
    messages.success(request, f"{words(actor).contract} {contract.number} closed as {status}.")
    return redirect("contract-detail", pk=contract.pk)


@member_view
def contract_delete(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    contract = _contract(actor, pk)
    require(permissions.at_least(actor, Role.ADMIN), "Only admins delete contracts.")
    if request.method == "POST":
        services.delete_contract(actor, contract)
        messages.success(request, f"{words(actor).contract} {contract.number} deleted.")
        return redirect("contract-list")
    return render(
        request,
        "web/confirm_delete.html",
        {
            "what": "contract",
            "object": contract,
            "action": reverse("contract-delete", args=[contract.pk]),
            "cancel": reverse("contract-detail", args=[contract.pk]),
            "warning": f"This deletes the {words(actor).contract_lower} with all "
            f"its {words(actor).milestones_lower} and checklists. "
            "It cannot be undone; the history keeps a record of the deletion.",
        },
    )


# --- parties ----------------------------------------------------------------------------------


def _party(actor: Actor, pk: int) -> Party:
    return get_visible(permissions.visible_parties(actor), pk, "party")


@member_view
def party_list(request: HttpRequest) -> HttpResponse:
    """Parties with a search, a type filter, sortable and chosen columns, saved views."""
    state = list_state(request, ListKey.PARTIES)
    if isinstance(state, HttpResponse):
        return state  # opening a saved view (or the person's default one)
    actor = actor_of(request)
    q = request.GET.get("q", "").strip()[:200]
    page = paginate(request, state.spec.rows(actor, request.GET, state.available))
    context = {
        "page_obj": page,
        "q": q,
        "kinds": PartyKind.choices,
        "kind": request.GET.getlist("kind"),
        "lv_rows": state.rows(page.object_list),
        **state.context(),
    }
    return render(request, "contracts/party_list.html", context)


@member_view
def party_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    party = _party(actor, pk)
    contracts = (
        permissions.visible_contracts(actor)
        .filter(parties=party)
        .select_related("owner")
        .order_by("number")
    )
    return render(
        request,
        "contracts/party_detail.html",
        {
            "party": party,
            "contacts": party.contacts.all(),
            "contracts": contracts,
            "events": subject_history(actor, "party", party.pk)[:HISTORY_ON_PAGE],
        },
    )


@member_view
def party_create(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    require(permissions.can_manage_parties(actor), "Only managers and above manage parties.")
    form = PartyForm(posted(request))
    add_custom_fields(form, actor, "party")
    if request.method == "POST" and form.validated():
        party = submit(form, lambda: services.create_party(actor, form.to_data()))
        if party is not None:
            messages.success(request, f"{words(actor).party} {party.name} created.")
            return redirect("party-detail", pk=party.pk)
    context = {
        "form": form,
        "party": None,
        "heading": f"New {words(actor).party_lower}",
    }
    return render(request, "contracts/party_form.html", context, status=form.status)


@member_view
def party_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    party = _party(actor, pk)
    require(permissions.can_manage_parties(actor), "Only managers and above manage parties.")
    form = PartyForm(posted(request), initial=PartyForm.initial_for(party))
    add_custom_fields(form, actor, "party", party)
    if request.method == "POST" and form.validated():
        saved = submit(
            form,
            lambda: services.update_party(
                actor, party, form.to_data(), form.cleaned_data["version"]
            ),
        )
        if saved is not None:
            messages.success(request, f"{words(actor).party} {saved.name} saved.")
            return redirect("party-detail", pk=saved.pk)
    context = {"form": form, "party": party, "heading": f"Edit {party.name}"}
    return render(request, "contracts/party_form.html", context, status=form.status)


@member_view
def party_delete(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    party = _party(actor, pk)
    require(permissions.can_manage_parties(actor), "Only managers and above manage parties.")
    context: dict[str, Any] = {
        "what": "party",
        "object": party,
        "action": reverse("party-delete", args=[party.pk]),
        "cancel": reverse("party-detail", args=[party.pk]),
    }
    if request.method == "POST":
        try:
            services.delete_party(actor, party)
        except ValidationFailed as exc:
            context["problems"] = [f"This party {m}." for ms in exc.errors.values() for m in ms]
            return render(request, "web/confirm_delete.html", context, status=422)
        messages.success(request, f"{words(actor).party} {party.name} deleted.")
        return redirect("party-list")
    return render(request, "web/confirm_delete.html", context)


# --- contacts ---------------------------------------------------------------------------------


def _contact(actor: Actor, pk: int) -> Contact:
    qs = Contact.objects.select_related("party").filter(
        party__in=permissions.visible_parties(actor)
    )
    return get_visible(qs, pk, "contact")


@member_view
def contact_create(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    party = _party(actor, pk)
    require(permissions.can_manage_parties(actor), "Only managers and above manage contacts.")
    form = ContactForm(posted(request))
    if request.method == "POST" and form.validated():
        contact = submit(form, lambda: services.add_contact(actor, party, form.to_data()))
        if contact is not None:
            messages.success(request, f"Contact {contact.name} added.")
            return redirect("party-detail", pk=party.pk)
    context = {"form": form, "party": party, "contact": None, "heading": "New contact"}
    return render(request, "contracts/contact_form.html", context, status=form.status)


@member_view
def contact_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    contact = _contact(actor, pk)
    require(permissions.can_manage_parties(actor), "Only managers and above manage contacts.")
    form = ContactForm(posted(request), initial=ContactForm.initial_for(contact))
    if request.method == "POST" and form.validated():
        saved = submit(form, lambda: services.update_contact(actor, contact, form.to_data()))
        if saved is not None:
            messages.success(request, f"Contact {saved.name} saved.")
            return redirect("party-detail", pk=contact.party_id)
    context = {
        "form": form,
        "party": contact.party,
        "contact": contact,
        "heading": f"Edit {contact.name}",
    }
    return render(request, "contracts/contact_form.html", context, status=form.status)


@member_view
def contact_delete(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    contact = _contact(actor, pk)
    require(permissions.can_manage_parties(actor), "Only managers and above manage contacts.")
    if request.method == "POST":
        services.delete_contact(actor, contact)
        messages.success(request, f"Contact {contact.name} removed.")
        return redirect("party-detail", pk=contact.party_id)
    return render(
        request,
        "web/confirm_delete.html",
        {
            "what": "contact",
            "object": contact,
            "action": reverse("contact-delete", args=[contact.pk]),
            "cancel": reverse("party-detail", args=[contact.party_id]),
        },
    )

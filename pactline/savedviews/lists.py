"""The lists that saved views know: for each, its columns, filters, sorts and query.

A list is read from query parameters (the same names its page has always used), so a saved
view is just parameters: `ListSpec.rows` runs the list's own query (scoped by
permissions.visible_*), `ListSpec.check` keeps the parameters whose values still apply.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import QueryDict
from django.urls import reverse
from django.utils.dateformat import format as date_format
from django.utils.html import format_html, format_html_join

from pactline.accounts import permissions
from pactline.accounts.permissions import Actor
from pactline.accounts.terminology import terms_of
from pactline.reports.exports import Column
from pactline.savedviews import customcolumns
from pactline.savedviews.columns import ListColumn, dash, extra_columns, text_cell
from pactline.savedviews.models import ListKey


def day_text(value: Any) -> str:
    """A date as the lists show it ("1 Mar 2027"), "" for none."""
    return date_format(value, "j M Y") if value else ""


@dataclass(frozen=True)
class ListSpec:
    key: str
    label: str
    url_name: str
    sort_param: str
    default_sort: str
    sorts: tuple[str, ...]  # the sort values the list's own query knows
    filters: tuple[str, ...]  # the filter parameters a view keeps (besides cf_<key>)
    default_columns: tuple[str, ...]
    export_columns: tuple[str, ...]  # exported when no columns are chosen
    object_type: str  # the custom fields' object type
    guests: bool  # guests may open the list (and export it)
    builtin: Callable[[Actor], list[ListColumn]]
    query: Callable[[Actor, QueryDict, str], QuerySet[Any]]  # filtered and sorted
    check: Callable[[Actor, QueryDict], dict[str, list[str]]]  # the filters that apply

    @property
    def url(self) -> str:
        return reverse(self.url_name)

    def columns(self, actor: Actor) -> dict[str, ListColumn]:
        """Every column the actor may show, built-in first, then the providers' (custom
        fields), by key."""
        cols = {c.key: c for c in self.builtin(actor)}
        for extra in extra_columns(self.key, actor):
            cols.setdefault(extra.key, extra)
        return cols

    def is_known_param(self, name: str) -> bool:
        return name in self.filters or name == self.sort_param or name.startswith("cf_")

    def rows(self, actor: Actor, params: QueryDict, columns: dict[str, ListColumn]) -> Any:
        """The list's rows for these parameters: its own filters and sort, plus custom-field
        filters (cf_<key>) and sorts, done by the database."""
        sort = params.get(self.sort_param) or self.default_sort
        custom_sort = sort.lstrip("-") if sort.lstrip("-").startswith("cf_") else None
        qs = self.query(actor, params, self.default_sort if custom_sort else sort)
        qs = customcolumns.filter_rows(qs, actor, self.object_type, params)
        column = columns.get(custom_sort or "")
        if column is not None and column.order is not None:
            qs = column.order(qs, sort.startswith("-"))
        return qs


# --- contracts --------------------------------------------------------------------------------


def _contract_columns(actor: Actor) -> list[ListColumn]:
    words = terms_of(actor.organisation)  # page labels; exports keep their names
    from pactline.contracts.models import ContractStatus
    from pactline.contracts.queries import health_label
    from pactline.web.templatetags.pactline_ui import HEALTH_TEXT, health_badge, money, status_badge

    def number(c: Any) -> Any:
        return format_html('<a href="{}">{}</a>', reverse("contract-detail", args=[c.pk]), c.number)

    def title(c: Any) -> Any:
        tags = c.tags.all()
        if not tags:
            return c.title
        names = format_html_join(" ", '<span class="tag">{}</span>', ((t.name,) for t in tags))
        return format_html('{}<span class="sub">{}</span>', c.title, names)

    def parties(c: Any) -> Any:
        names = ", ".join(p.name for p in c.parties.all())
        return names or dash()

    def owner(c: Any) -> Any:
        return c.owner.display_name if c.owner else dash()

    def next_due(c: Any) -> Any:
        if not c.next_due_id:
            return dash()
        return format_html(
            '<a href="{}">{}</a><span class="sub"><time datetime="{}">{}</time></span>',
            reverse("milestone-detail", args=[c.next_due_id]),
            c.next_due_title,
            c.next_due_date.isoformat() if c.next_due_date else "",
            day_text(c.next_due_date),
        )

    def when(field: str, label: str, sort: str | None = None) -> ListColumn:
        return ListColumn(
            field,
            label,
            lambda c: day_text(getattr(c, field)) or dash(),
            Column(label, lambda c: getattr(c, field), "date", width=12),
            sort=sort,
        )

    health_text = HEALTH_TEXT
    return [
        ListColumn(
            "number",
            "Number",
            number,
            Column("Number", lambda c: c.number, width=14),
            "number",
            "-number",
        ),
        ListColumn(
            "title", "Title", title, Column("Title", lambda c: c.title, width=40), "title", "-title"
        ),
        ListColumn(
            "parties",
            words.parties,
            parties,
            Column("Parties", lambda c: "; ".join(p.name for p in c.parties.all()), width=30),
        ),
        ListColumn(
            "owner",
            "Owner",
            owner,
            Column("Owner", lambda c: c.owner.email if c.owner else "", width=24),
        ),
        ListColumn(
            "status",
            "Status",
            lambda c: status_badge(c.status),
            Column("Status", lambda c: ContractStatus(c.status).label),
            "status",
        ),
        ListColumn(
            "value",
            "Value",
            lambda c: money(c.value, c.currency),
            Column("Value", lambda c: c.value, "money", currency=lambda c: c.currency),
            "value",
            "-value",
            numeric=True,
        ),
        ListColumn(
            "health",
            "Health",
            lambda c: health_badge(health_label(c.worst_rank)),
            Column("Health", lambda c: health_text.get(health_label(c.worst_rank), "")),
            "health",
        ),
        ListColumn(
            "next_due",
            "Next due",
            next_due,
            Column("Next due", lambda c: c.next_due_date, "date", width=12),
            "next_due",
        ),
        ListColumn(
            "next_due_title",
            f"Next {words.milestone_lower}",
            lambda c: text_cell(c.next_due_title),
            Column("Next milestone", lambda c: c.next_due_title or "", width=32),
        ),
        ListColumn(
            "currency",
            "Currency",
            lambda c: c.currency,
            Column("Currency", lambda c: c.currency, width=8),
        ),
        when("start_on", "Start", "start_on"),
        when("end_on", "End", "end_on"),
        when("signed_on", "Signed"),
        ListColumn(
            "tags",
            "Tags",
            lambda c: ", ".join(t.name for t in c.tags.all()) or dash(),
            Column("Tags", lambda c: ", ".join(t.name for t in c.tags.all())),
        ),
        ListColumn(
            "restricted",
            "Restricted",
            lambda c: "Restricted" if c.restricted else "",
            Column("Restricted", lambda c: "yes" if c.restricted else "no", width=10),
        ),
    ]


def _contract_query(actor: Actor, params: QueryDict, sort: str) -> QuerySet[Any]:
    from pactline.contracts.forms import ContractFilterForm
    from pactline.contracts.queries import contract_list
    from pactline.contracts.views import _contract_filter  # the page's own filter

    wanted = any(name in params for name in ("q", "status", "party", "owner", "tag", "health"))
    values = ContractFilterForm(actor, params).values() if wanted else {}
    return contract_list(actor, _contract_filter(values), sort)


def _contract_check(actor: Actor, params: QueryDict) -> dict[str, list[str]]:
    from pactline.contracts.forms import ContractFilterForm

    values = ContractFilterForm(actor, params).values()
    return {k: [params[k]] for k in values if k != "sort"}


# --- milestones -------------------------------------------------------------------------------


class _Types:
    """Stands for the request in `type_badge`'s context: the organisation's types, read once."""

    def __init__(self, types: Any) -> None:
        self._milestone_types = types


def _milestone_columns(actor: Actor) -> list[ListColumn]:
    words = terms_of(actor.organisation)  # page labels; exports keep their names
    from pactline.milestones.templatetags.milestone_types import type_badge
    from pactline.milestones.types import type_map
    from pactline.reports.views.lists import COLUMNS
    from pactline.web.templatetags.pactline_ui import health_badge, money, status_badge

    exported = {c.header: c for c in COLUMNS}
    types = type_map(actor.organisation.pk)  # once per request, not per row
    badge_context = {"organisation": actor.organisation, "request": _Types(types)}

    def title(m: Any) -> Any:
        return format_html(
            '<a href="{}">{}</a><span class="sub">{}</span>',
            reverse("milestone-detail", args=[m.pk]),
            m.title,
            type_badge(badge_context, m.kind),
        )

    def contract(m: Any) -> Any:
        return format_html(
            '<a href="{}">{}</a>',
            reverse("contract-detail", args=[m.contract_id]),
            m.contract.number,
        )

    def paid(field: str) -> Callable[[Any], Any]:
        """An amount linking to the milestone's money page (a zero penalty shows as —)."""

        def cell(m: Any) -> Any:
            value = getattr(m, field)
            if value is None or (not value and field.startswith("penalty")):
                return "—"
            return format_html(
                '<a href="{}">{}</a>',
                reverse("milestone-money", args=[m.pk]),
                money(value, m.contract.currency),
            )

        return cell

    def day(field: str) -> Callable[[Any], Any]:
        return lambda m: day_text(getattr(m, field)) or "—"

    def col(
        key: str,
        header: str,
        label: str,
        cell: Callable[[Any], Any],
        *sorts: str,
        numeric: bool = False,
    ) -> ListColumn:
        sort, sort_desc = [*sorts, None, None][:2]
        term = {"title": "milestone", "contract": "contract"}.get(key)
        return ListColumn(key, label, cell, exported[header], sort, sort_desc, numeric, term)

    return [
        col("title", "Milestone", words.milestone, title, "title"),
        col("contract", "Contract", words.contract, contract, "contract"),
        col("kind", "Type", "Type", lambda m: types.name(m.kind)),
        col("owner", "Owner", "Owner", lambda m: m.owner.display_name if m.owner else "—"),
        col("status", "Status", "Status", lambda m: status_badge(m.status), "status"),
        col("health", "Health", "Health", lambda m: health_badge(m.health)),
        col("due_date", "Due", "Due", day("due_date"), "due_date", "-due_date"),
        col("baseline_due_date", "Baseline", "Baseline", day("baseline_due_date")),
        col("forecast_date", "Forecast", "Forecast", day("forecast_date")),
        col("completed_on", "Completed", "Completed", day("completed_on")),
        col("currency", "Currency", "Currency", lambda m: m.contract.currency),
        col("payment_amount", "Payment amount", "Payment", paid("payment_amount"), numeric=True),
        col(
            "retention_amount",
            "Retention amount",
            "Retention",
            paid("retention_amount"),
            numeric=True,
        ),
        col("invoiceable_on", "Invoiceable", "Invoiceable", day("invoiceable_on")),
        col("invoiced_on", "Invoiced", "Invoiced", day("invoiced_on")),
        col("paid_on", "Paid", "Paid", day("paid_on")),
        col("penalty_accrued", "Penalty accrued", "Penalty", paid("penalty_accrued"), numeric=True),
        col(
            "penalty_projected",
            "Penalty projected",
            "Projected penalty",
            paid("penalty_projected"),
            numeric=True,
        ),
    ]


def _milestone_query(actor: Actor, params: QueryDict, sort: str) -> QuerySet[Any]:
    from pactline.reports.views.lists import milestone_rows

    wanted = params.copy()
    wanted["ordering"] = sort
    return milestone_rows(actor, wanted)


def _milestone_check(actor: Actor, params: QueryDict) -> dict[str, list[str]]:
    from pactline.contracts.models import ContractStatus, Tag
    from pactline.milestones.health import Health
    from pactline.milestones.models import MilestoneStatus
    from pactline.milestones.types import choices as type_choices
    from pactline.reports.params import as_date, as_int
    from pactline.reports.views.lists import PAYMENT_FILTERS
    from pactline.web.http import members_of

    out: dict[str, list[str]] = {}

    def keep(name: str, values: list[str]) -> None:
        if values:
            out[name] = values

    def one(name: str) -> str:
        return (params.get(name) or "").strip()

    keep("q", [one("q")[:200]] if one("q") else [])
    keep("health", [v for v in params.getlist("health") if v in {h.value for h in Health}])
    keep("status", [v for v in params.getlist("status") if v in MilestoneStatus.values])
    kinds = {key for key, _name in type_choices(actor.organisation.pk)}
    keep("kind", [v for v in params.getlist("kind") if v in kinds])
    keep(
        "contract_status",
        [v for v in params.getlist("contract_status") if v in ContractStatus.values],
    )
    party = as_int(one("party"))
    if party is not None and permissions.visible_parties(actor).filter(pk=party).exists():
        keep("party", [str(party)])
    owner = one("owner")
    if owner == "none" or (
        as_int(owner) is not None and members_of(actor).filter(pk=int(owner)).exists()
    ):
        keep("owner", [owner])
    contract = as_int(one("contract"))
    if contract is not None and permissions.visible_contracts(actor).filter(pk=contract).exists():
        keep("contract", [str(contract)])
    tag = one("tag")[:50]
    if tag and Tag.objects.filter(organisation=actor.organisation, name=tag).exists():
        keep("tag", [tag])
    for name in ("due_after", "due_before"):
        if as_date(one(name)) is not None:
            keep(name, [one(name)])
    if one("payment") in PAYMENT_FILTERS:
        keep("payment", [one("payment")])
    if one("penalty") in ("accrued", "projected"):
        keep("penalty", [one("penalty")])
    currency = one("currency").upper()
    if len(currency) == 3 and currency.isalpha():
        keep("currency", [currency])
    return out


# --- parties ----------------------------------------------------------------------------------

PARTY_SORTS = {
    "name": ("name", "pk"),
    "-name": ("-name", "-pk"),
    "kind": ("kind", "name", "pk"),
    "contracts": ("contract_count", "name", "pk"),
    "-contracts": ("-contract_count", "name", "pk"),
}


def _party_columns(actor: Actor) -> list[ListColumn]:
    words = terms_of(actor.organisation)  # page labels; exports keep their names

    def name(p: Any) -> Any:
        return format_html('<a href="{}">{}</a>', reverse("party-detail", args=[p.pk]), p.name)

    return [
        ListColumn(
            "name", "Name", name, Column("Name", lambda p: p.name, width=32), "name", "-name"
        ),
        ListColumn(
            "kind",
            "Type",
            lambda p: p.get_kind_display(),
            Column("Type", lambda p: p.get_kind_display()),
            "kind",
        ),
        ListColumn(
            "registration_number",
            "Registration",
            lambda p: p.registration_number or "—",
            Column("Registration", lambda p: p.registration_number),
        ),
        ListColumn(
            "contracts",
            words.contracts,
            lambda p: p.contract_count,
            Column("Contracts", lambda p: p.contract_count, "int", width=10),
            "contracts",
            "-contracts",
            numeric=True,
        ),
        ListColumn(
            "contacts",
            "Contacts",
            lambda p: p.contact_count,
            Column("Contacts", lambda p: p.contact_count, "int", width=10),
            numeric=True,
        ),
        ListColumn(
            "website",
            "Website",
            lambda p: (
                format_html('<a href="{}" rel="noopener">{}</a>', p.website, p.website)
                if p.website
                else dash()
            ),
            Column("Website", lambda p: p.website, width=30),
        ),
        ListColumn(
            "address",
            "Address",
            lambda p: text_cell(p.address),
            Column("Address", lambda p: p.address, width=40),
        ),
    ]


def _party_query(actor: Actor, params: QueryDict, sort: str) -> QuerySet[Any]:
    from pactline.contracts.models import PartyKind

    q = (params.get("q") or "").strip()[:200]
    parties = permissions.visible_parties(actor).annotate(
        contract_count=Count("contracts", distinct=True),
        contact_count=Count("contacts", distinct=True),
    )
    if q:
        parties = parties.filter(Q(name__icontains=q) | Q(registration_number__icontains=q))
    kinds = [k for k in params.getlist("kind") if k in PartyKind.values]
    if kinds:
        parties = parties.filter(kind__in=kinds)
    return parties.order_by(*PARTY_SORTS.get(sort, PARTY_SORTS["name"]))


def _party_check(actor: Actor, params: QueryDict) -> dict[str, list[str]]:
    from pactline.contracts.models import PartyKind

    out: dict[str, list[str]] = {}
    q = (params.get("q") or "").strip()[:200]
    if q:
        out["q"] = [q]
    kinds = [k for k in params.getlist("kind") if k in PartyKind.values]
    if kinds:
        out["kind"] = kinds
    return out


LISTS: dict[str, ListSpec] = {
    ListKey.CONTRACTS: ListSpec(
        key=ListKey.CONTRACTS,
        label="Contracts",
        url_name="contract-list",
        sort_param="sort",
        default_sort="number",
        sorts=(
            "number",
            "-number",
            "title",
            "-title",
            "status",
            "value",
            "-value",
            "start_on",
            "end_on",
            "next_due",
            "health",
            "-updated",
        ),
        filters=("q", "status", "party", "owner", "tag", "health"),
        default_columns=(
            "number",
            "title",
            "parties",
            "owner",
            "status",
            "value",
            "health",
            "next_due",
        ),
        export_columns=(
            "number",
            "title",
            "parties",
            "owner",
            "status",
            "currency",
            "value",
            "start_on",
            "end_on",
            "health",
            "next_due",
            "next_due_title",
        ),
        object_type="contract",
        guests=True,
        builtin=_contract_columns,
        query=_contract_query,
        check=_contract_check,
    ),
    ListKey.MILESTONES: ListSpec(
        key=ListKey.MILESTONES,
        label="Milestones",
        url_name="milestone-list",
        sort_param="ordering",
        default_sort="due_date",
        sorts=("due_date", "-due_date", "title", "status", "contract", "position"),
        filters=(
            "q",
            "health",
            "status",
            "kind",
            "party",
            "owner",
            "tag",
            "contract_status",
            "contract",
            "due_after",
            "due_before",
            "payment",
            "penalty",
            "currency",
        ),
        default_columns=(
            "title",
            "contract",
            "owner",
            "status",
            "health",
            "due_date",
            "payment_amount",
            "penalty_accrued",
        ),
        export_columns=(
            "contract",
            "title",
            "kind",
            "owner",
            "status",
            "health",
            "due_date",
            "baseline_due_date",
            "forecast_date",
            "completed_on",
            "currency",
            "payment_amount",
            "retention_amount",
            "invoiceable_on",
            "invoiced_on",
            "paid_on",
            "penalty_accrued",
            "penalty_projected",
        ),
        object_type="milestone",
        guests=False,
        builtin=_milestone_columns,
        query=_milestone_query,
        check=_milestone_check,
    ),
    ListKey.PARTIES: ListSpec(
        key=ListKey.PARTIES,
        label="Parties",
        url_name="party-list",
        sort_param="sort",
        default_sort="name",
        sorts=tuple(PARTY_SORTS),
        filters=("q", "kind"),
        default_columns=("name", "kind", "registration_number", "contracts", "contacts"),
        export_columns=("name", "kind", "registration_number", "contracts", "contacts", "website"),
        object_type="party",
        guests=False,
        builtin=_party_columns,
        query=_party_query,
        check=_party_check,
    ),
}


def get_list(key: str) -> ListSpec | None:
    return LISTS.get(key)

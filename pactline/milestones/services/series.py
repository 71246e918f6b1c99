"""Recurring obligations: a series generates real milestones ahead, for a window of time.

Occurrences are ordinary milestones (so reminders, health and reports treat them alike), tied
to their series by the occurrence date, which a unique constraint keeps from being generated
twice. A periodic task extends every series as time passes. Editing "this one" detaches the
occurrence; editing "this and following" ends the series before it and starts a new one.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from django.db import transaction

from pactline.accounts import permissions
from pactline.accounts.models import Membership
from pactline.accounts.permissions import Actor, require
from pactline.activity.services import diff, record
from pactline.contracts.models import Contract
from pactline.customfields import services as custom
from pactline.errors import ValidationFailed
from pactline.milestones.models import OPEN_STATUSES, ChecklistItem, Milestone, MilestoneSeries
from pactline.milestones.scheduling import PeriodEnd, RecurrenceError, Roll, occurrences, parse_rule
from pactline.milestones.services import schedule
from pactline.milestones.services.common import calendar_for, contract_today, reject_unknown
from pactline.milestones.services.milestones import update_milestone
from pactline.milestones.services.types import check_kind, default_reminders_of
from pactline.validation import Errors, check_date, check_money, check_required_text
from pactline.versioning import bump, lock

SERIES_FIELDS = (
    "title",
    "kind",
    "description",
    "owner_id",
    "approver_id",
    "rrule",
    "starts_on",
    "ends_on",
    "period_end",
    "roll",
    "payment_amount",
    "window_days",
    "custom_fields",
)


def _validate(series: MilestoneSeries, contract: Contract, kind_was: str | None = None) -> None:
    errors = Errors()
    check_required_text(errors, "title", series.title, 300)
    check_required_text(errors, "rrule", series.rrule, 500)
    check_date(errors, "starts_on", series.starts_on)
    check_date(errors, "ends_on", series.ends_on)
    check_money(errors, "payment_amount", series.payment_amount)
    if series.starts_on is None:
        errors.add("starts_on", "is required (the contract has no start date)")
    check_kind(errors, "kind", series.organisation_id, series.kind, kind_was)
    _check_people(series, contract, errors)
    if series.period_end not in [p.value for p in PeriodEnd]:
        errors.add("period_end", f"must be one of {', '.join(p.value for p in PeriodEnd)}")
    if series.roll not in [r.value for r in Roll]:
        errors.add("roll", f"must be one of {', '.join(r.value for r in Roll)}")
    if not isinstance(series.window_days, int) or not 7 <= series.window_days <= 3660:
        errors.add("window_days", "must be between 7 and 3660 days")
    if series.rrule and series.starts_on and "rrule" not in errors:
        try:
            parse_rule(series.rrule, series.starts_on)
        except RecurrenceError as exc:
            errors.add("rrule", str(exc))
    end = series.ends_on or contract.end_on
    bounded = any(key in series.rrule.upper() for key in ("COUNT=", "UNTIL="))
    if end is None and "rrule" not in errors and not bounded:
        errors.add("ends_on", "give an end date, or the contract needs an end date")
    if series.starts_on and end and end < series.starts_on:
        errors.add("ends_on", "must not be before the start")
    errors.raise_if_any()


def _custom_values(
    actor: Actor, incoming: Any, existing: Mapping[str, Any], *, creating: bool
) -> dict[str, Any]:
    """The milestone custom-field values a series gives its occurrences. A new series takes the
    fields' defaults, as a new milestone does; a required field is not enforced here (the
    series form has no custom-field inputs): it is asked for when someone edits an occurrence."""
    values = custom.clean_values(
        actor.organisation, "milestone", incoming, existing, creating=False
    )
    if creating:
        for field in custom.fields_for(actor.organisation, "milestone"):
            if field.default is not None and field.key not in values:
                values[field.key] = field.default
    return values


def _check_people(series: MilestoneSeries, contract: Contract, errors: Errors) -> None:
    """Owner and approver are members of the contract's organisation, as for milestones."""
    wanted = [i for i in (series.owner_id, series.approver_id) if i is not None]
    members = set(
        Membership.objects.filter(organisation_id=contract.organisation_id, user_id__in=wanted)
        .exclude(role="guest")
        .values_list("user_id", flat=True)
    )
    for field in ("owner_id", "approver_id"):
        value = getattr(series, field)
        if value is not None and value not in members:
            errors.add(field, "is not a member of this organisation")


def _generate(actor: Actor, series: MilestoneSeries, window_end: date) -> list[Milestone]:
    """Create the occurrences up to `window_end` that do not exist yet."""
    contract = series.contract
    cal = calendar_for(contract)
    made = []
    pairs = occurrences(
        series.rrule,
        series.starts_on,
        series.ends_on or contract.end_on,
        window_end,
        after=series.generated_until,
        period_end=PeriodEnd(series.period_end),
        roll_rule=Roll(series.roll),
        cal=cal,
    )
    for occurrence, due in pairs:
        m = Milestone(
            organisation=series.organisation,
            contract=contract,
            currency=contract.currency,
            title=f"{series.title} ({occurrence.isoformat()})",
            kind=series.kind,
            description=series.description,
            owner_id=series.owner_id,
            approver_id=series.approver_id,
            due_anchor="absolute",
            due_fixed=due,
            due_date=due,
            computed_due_date=due,
            baseline_due_date=due,
            due_date_trace=f"{due.isoformat()} = occurrence {occurrence} of {series.rrule}"[:500],
            forecast_date=due,
            payment_amount=series.payment_amount,
            custom_fields=dict(series.custom_fields or {}),
            series=series,
            occurrence_date=occurrence,
            position=10_000 + len(made),
        )
        made.append(m)
    Milestone.objects.bulk_create(made, batch_size=500, ignore_conflicts=False)
    # The type's defaults, as create_milestone gives a single milestone: its checklist and its
    # reminder policy (one policy row per occurrence, written in bulk; the event below says so).
    checklist, reminders = default_reminders_of(series.organisation_id, series.kind)
    if made and made[0].pk is None:  # backends that do not return keys from bulk inserts
        made = list(
            Milestone.objects.filter(
                series=series, occurrence_date__in=[m.occurrence_date for m in made]
            )
        )
    if made and checklist:
        ChecklistItem.objects.bulk_create(
            (
                ChecklistItem(milestone=m, title=t, position=i)
                for m in made
                for i, t in enumerate(checklist)
            ),
            batch_size=500,
        )
    if made and reminders:
        from pactline.notifications.services.policies import policy_for_new_milestones

        policy_for_new_milestones(actor, contract, reminders, made)
    series.generated_until = window_end
    series.save(update_fields=["generated_until"])
    if made:
        record(
            actor,
            "series_extended",
            series,
            contract_id=contract.pk,
            summary=f"{len(made)} occurrences of {series.title} generated up to {window_end}",
            changes={"occurrences": {"before": None, "after": [m.occurrence_date for m in made]}},
        )
    return made


@transaction.atomic
def create_series(actor: Actor, contract: Contract, data: Mapping[str, Any]) -> MilestoneSeries:
    require(permissions.can_create_milestone(actor, contract), "only managers and above do this")
    reject_unknown(data, SERIES_FIELDS)
    fields = dict(data)
    fields.setdefault("starts_on", contract.start_on)
    fields["custom_fields"] = _custom_values(actor, fields.get("custom_fields"), {}, creating=True)
    series = MilestoneSeries(organisation=actor.organisation, contract=contract, **fields)
    _validate(series, contract)
    series.save()
    record(
        actor,
        "created",
        series,
        contract_id=contract.pk,
        summary=f"Recurring {series.title} created ({series.rrule})",
        changes=diff({}, {f: getattr(series, f) for f in SERIES_FIELDS}),
    )
    _generate(actor, series, contract_today(contract) + timedelta(days=series.window_days))
    return series


def extend_all(today: date | None = None) -> int:
    """The periodic task: generate each series' occurrences up to today + its window."""
    created = 0
    for series in MilestoneSeries.objects.select_related("contract", "organisation"):
        horizon = (today or contract_today(series.contract)) + timedelta(days=series.window_days)
        if series.generated_until is not None and series.generated_until >= horizon:
            continue
        with transaction.atomic():
            locked = MilestoneSeries.objects.select_for_update().get(pk=series.pk)
            if locked.generated_until is not None and locked.generated_until >= horizon:
                continue
            actor = Actor.system(series.organisation, label="recurrence")
            created += len(_generate(actor, locked, horizon))
    return created


@transaction.atomic
def edit_occurrence(
    actor: Actor,
    milestone: Milestone,
    data: Mapping[str, Any],
    scope: str,
    expected_version: int | None,
    reason: str = "",
) -> Milestone:
    """Edit one occurrence ("this") or it and every later one ("following")."""
    if milestone.series_id is None:
        raise ValidationFailed.one("scope", "this milestone is not part of a recurring series")
    if scope == "this":
        m = update_milestone(actor, milestone, data, expected_version, reason)
        Milestone.objects.filter(pk=m.pk).update(detached=True)
        m.detached = True
        return m
    if scope != "following":
        raise ValidationFailed.one("scope", "must be 'this' or 'following'")
    require(permissions.can_create_milestone(actor, milestone.contract), "only managers do this")
    lock(milestone, expected_version)  # the occurrence the client saw must still be current
    old = lock(milestone.series, None)
    allowed = (
        "title",
        "description",
        "owner_id",
        "approver_id",
        "payment_amount",
        "rrule",
        "period_end",
        "roll",
        "custom_fields",
    )
    reject_unknown(data, allowed)
    data = dict(data)
    # The new occurrences carry this occurrence's values, with the edit's on top.
    data["custom_fields"] = _custom_values(
        actor, data.get("custom_fields"), milestone.custom_fields, creating=False
    )
    cut = milestone.occurrence_date
    original_end = old.ends_on
    # End the old series before this occurrence, and drop its open occurrences from here on.
    old.ends_on = cut - timedelta(days=1)
    bump(old)
    old.save()
    Milestone.objects.filter(
        series=old,
        occurrence_date__gte=cut,
        status__in=[s.value for s in OPEN_STATUSES],
        detached=False,
    ).delete()
    fields = {f: getattr(old, f) for f in SERIES_FIELDS}
    fields.update(data)
    fields["starts_on"] = cut
    fields["ends_on"] = original_end
    new = MilestoneSeries(organisation=actor.organisation, contract=old.contract, **fields)
    _validate(new, old.contract, kind_was=old.kind)
    new.save()
    record(
        actor,
        "series_split",
        new,
        contract_id=old.contract_id,
        summary=f"{old.title} changed from {cut} on: {reason or 'edited'}",
        changes=diff(
            {f: getattr(old, f) for f in SERIES_FIELDS}, {f: getattr(new, f) for f in SERIES_FIELDS}
        ),
    )
    made = _generate(actor, new, contract_today(old.contract) + timedelta(days=new.window_days))
    schedule.recompute(actor, old.contract, f"series {old.title} changed")
    return made[0] if made else milestone

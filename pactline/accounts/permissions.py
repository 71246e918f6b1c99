"""The one place that answers "may this actor do this to that" and scopes querysets.

Every list and lookup in views, API and CLI goes through `visible_*` so that an object of
another organisation is simply not there (404), never a 403 that leaks its existence.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from pactline.accounts.models import ROLE_RANK, Membership, Organisation, Role, User
from pactline.errors import Forbidden, NotFound

if TYPE_CHECKING:
    from pactline.contracts.models import Contract, Party
    from pactline.milestones.models import (
        Dependency,
        Milestone,
        MilestoneSeries,
        MilestoneTemplate,
    )
    from pactline.notifications.models import Notification, Subscription, Watch


@dataclass(frozen=True)
class Actor:
    """Who is acting, in which organisation, with which role.

    `user` is None for the system (worker, CLI maintenance); the system acts with owner rights
    and is named by `label` in the audit trail.
    """

    organisation: Organisation
    user: User | None
    role: Role
    label: str = ""

    @property
    def rank(self) -> int:
        return ROLE_RANK[self.role]

    @property
    def user_id(self) -> int | None:
        return self.user.pk if self.user else None

    @property
    def name(self) -> str:
        if self.user is not None:
            return self.user.email
        return self.label or "system"

    @classmethod
    def system(cls, organisation: Organisation, label: str = "system") -> Actor:
        return cls(organisation=organisation, user=None, role=Role.OWNER, label=label)

    @classmethod
    def for_membership(cls, membership: Membership) -> Actor:
        return cls(
            organisation=membership.organisation, user=membership.user, role=Role(membership.role)
        )

    @classmethod
    def for_user(cls, user: User, organisation: Organisation) -> Actor:
        membership = (
            Membership.objects.select_related("organisation", "user")
            .filter(user=user, organisation=organisation)
            .first()
        )
        if membership is None:
            raise NotFound("organisation not found")
        return cls.for_membership(membership)


def at_least(actor: Actor, role: Role) -> bool:
    return actor.rank >= ROLE_RANK[role]


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise Forbidden(message)


# --- questions --------------------------------------------------------------------------------


def can_manage_contracts(actor: Actor) -> bool:
    return at_least(actor, Role.MANAGER)


def can_manage_parties(actor: Actor) -> bool:
    return at_least(actor, Role.MANAGER)


def can_manage_templates(actor: Actor) -> bool:
    return at_least(actor, Role.MANAGER)


def can_manage_members(actor: Actor) -> bool:
    return at_least(actor, Role.ADMIN)


def can_create_milestone(actor: Actor, contract: Contract) -> bool:
    return at_least(actor, Role.MANAGER)


def can_change_milestone(actor: Actor, milestone: Milestone) -> bool:
    """Managers and above change any milestone; members change the milestones they own."""
    if at_least(actor, Role.MANAGER):
        return True
    return (
        at_least(actor, Role.MEMBER)
        and actor.user_id is not None
        and milestone.owner_id == actor.user_id
    )


def can_delete_milestone(actor: Actor, milestone: Milestone) -> bool:
    return at_least(actor, Role.MANAGER)


def can_reassign_milestone(actor: Actor, milestone: Milestone) -> bool:
    """Changing owner or approver is a manager's decision, even for the milestone's owner."""
    return at_least(actor, Role.MANAGER)


def can_decide_acceptance(actor: Actor, milestone: Milestone) -> bool:
    """Accept or reject a submission: the named approver, or a manager and above."""
    if at_least(actor, Role.MANAGER):
        return True
    return (
        at_least(actor, Role.MEMBER)
        and actor.user_id is not None
        and milestone.approver_id == actor.user_id
    )


# --- scoping ----------------------------------------------------------------------------------


def visible_contracts(actor: Actor) -> QuerySet[Contract]:
    from pactline.contracts.models import Contract

    return Contract.objects.filter(organisation=actor.organisation)


def visible_milestones(actor: Actor) -> QuerySet[Milestone]:
    from pactline.milestones.models import Milestone

    return Milestone.objects.filter(organisation=actor.organisation)


def visible_dependencies(actor: Actor) -> QuerySet[Dependency]:
    from pactline.milestones.models import Dependency

    return Dependency.objects.filter(organisation=actor.organisation)


def visible_series(actor: Actor) -> QuerySet[MilestoneSeries]:
    from pactline.milestones.models import MilestoneSeries

    return MilestoneSeries.objects.filter(organisation=actor.organisation)


def visible_parties(actor: Actor) -> QuerySet[Party]:
    from pactline.contracts.models import Party

    return Party.objects.filter(organisation=actor.organisation)


def visible_templates(actor: Actor) -> QuerySet[MilestoneTemplate]:
    from django.db.models import Q

    from pactline.milestones.models import MilestoneTemplate

    # Built-in templates (organisation NULL) are shared by every organisation.
    return MilestoneTemplate.objects.filter(
        Q(organisation=actor.organisation) | Q(organisation__isnull=True)
    )


def get_visible(queryset: QuerySet, pk: object, what: str):  # type: ignore[no-untyped-def]
    """Fetch one object from an already scoped queryset, or NotFound."""
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise NotFound(f"{what} not found") from None


# --- notifications ----------------------------------------------------------------------------


def can_manage_notifications(actor: Actor) -> bool:
    """The organisation's reminder policy, webhook and chat subscriptions, the sent-mail box."""
    return at_least(actor, Role.ADMIN)


def can_set_reminder_policy(actor: Actor) -> bool:
    """Reminder policies of contracts and milestones."""
    return at_least(actor, Role.MANAGER)


def visible_subscriptions(actor: Actor) -> QuerySet[Subscription]:
    from pactline.notifications.models import Subscription

    if not can_manage_notifications(actor):
        return Subscription.objects.none()
    return Subscription.objects.filter(organisation=actor.organisation)


def own_notifications(actor: Actor) -> QuerySet[Notification]:
    """The actor's inbox in the current organisation."""
    from pactline.notifications.models import Notification

    return Notification.objects.filter(organisation=actor.organisation, user_id=actor.user_id)


def own_watches(actor: Actor) -> QuerySet[Watch]:
    from pactline.notifications.models import Watch

    return Watch.objects.filter(organisation=actor.organisation, user_id=actor.user_id)

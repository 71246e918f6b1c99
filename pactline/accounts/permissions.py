"""The one place that answers "may this actor do this to that" and scopes querysets.

Every list and lookup in views, API and CLI goes through `visible_*` so that an object of
another organisation is simply not there (404), never a 403 that leaks its existence.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q, QuerySet

from pactline.accounts.models import ROLE_RANK, Membership, Organisation, Role, User
from pactline.errors import Forbidden, NotFound

if TYPE_CHECKING:
    from pactline.activity.models import Event
    from pactline.collab.models import Comment, Document
    from pactline.contracts.models import Contract, Party
    from pactline.milestones.models import (
        Dependency,
        Milestone,
        MilestoneSeries,
        MilestoneTemplate,
    )
    from pactline.notifications.models import Notification, Subscription, Watch
    from pactline.savedviews.models import SavedView


@dataclass(frozen=True)
class Actor:
    """Who is acting, in which organisation, with which role.

    `user` is None for the system (worker, CLI maintenance); the system acts with owner rights
    and is named by `label` in the audit trail. A guest carries the id of their party.
    """

    organisation: Organisation
    user: User | None
    role: Role
    label: str = ""
    party_id: int | None = None

    @property
    def rank(self) -> int:
        return ROLE_RANK[self.role]

    @property
    def user_id(self) -> int | None:
        return self.user.pk if self.user else None

    @property
    def is_guest(self) -> bool:
        return self.role == Role.GUEST

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
            organisation=membership.organisation,
            user=membership.user,
            role=Role(membership.role),
            party_id=membership.party_id,
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


def can_manage_custom_fields(actor: Actor) -> bool:
    """Define, change, reorder and delete the organisation's custom fields."""
    return at_least(actor, Role.ADMIN)


def can_customise_organisation(actor: Actor) -> bool:
    """The organisation's milestone types and terminology."""
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


def can_submit_milestone(actor: Actor, milestone: Milestone) -> bool:
    """Submit for acceptance: whoever changes the milestone, and a guest of its counterparty
    (the milestone is shared with them, or they would not see it)."""
    return actor.is_guest or can_change_milestone(actor, milestone)


def can_see_restricted(actor: Actor) -> bool:
    """Admins and owners see every restricted contract, named on it or not."""
    return at_least(actor, Role.ADMIN)


def can_manage_contract_members(actor: Actor) -> bool:
    """Restrict a contract and name the people who see it."""
    return at_least(actor, Role.MANAGER)


def can_comment_on_contract(actor: Actor) -> bool:
    """Contract-level discussion is internal: every role but guests."""
    return at_least(actor, Role.VIEWER)


def can_comment_on_milestone(actor: Actor, milestone: Milestone) -> bool:
    """Everyone who sees a milestone discusses it, guests included (on shared milestones)."""
    return actor.is_guest or at_least(actor, Role.VIEWER)


def can_edit_comment(actor: Actor, comment: Comment) -> bool:
    """Only its author edits a comment."""
    return actor.user_id is not None and comment.author_id == actor.user_id


def can_delete_comment(actor: Actor, comment: Comment) -> bool:
    """Its author, or an admin keeping the discussion civil; the text stays in the history."""
    return can_edit_comment(actor, comment) or at_least(actor, Role.ADMIN)


def can_upload_contract_document(actor: Actor) -> bool:
    return at_least(actor, Role.MANAGER)


def can_upload_milestone_document(actor: Actor, milestone: Milestone) -> bool:
    """Deliverables: whoever changes the milestone, its approver, and the counterparty's guests."""
    if actor.is_guest or can_change_milestone(actor, milestone):
        return True
    return at_least(actor, Role.MEMBER) and milestone.approver_id == actor.user_id


def can_view_audit(actor: Actor) -> bool:
    """The organisation-wide audit trail, per person, and its exports."""
    return at_least(actor, Role.ADMIN)


def can_send_contact_links(actor: Actor) -> bool:
    """Signed links let someone without an account act on a milestone."""
    return at_least(actor, Role.MANAGER)


def can_use_api_tokens(actor: Actor) -> bool:
    """Personal API tokens are for the organisation's people; guests use the portal."""
    return at_least(actor, Role.VIEWER)


# --- scoping ----------------------------------------------------------------------------------


def _contract_scope(actor: Actor, prefix: str, ref: str) -> Q:
    """The condition "the contract at `prefix` (its id at `ref`) is visible to the actor"."""
    from pactline.contracts.models import Contract, ContractMember

    scope = Q()
    if not can_see_restricted(actor):
        named = ContractMember.objects.filter(contract_id=OuterRef(ref), user_id=actor.user_id)
        scope &= Q(**{f"{prefix}restricted": False}) | Q(Exists(named))
    if actor.is_guest:
        theirs = Contract.parties.through.objects.filter(
            contract_id=OuterRef(ref), party_id=actor.party_id
        )
        scope &= Q(Exists(theirs))
    return scope


def visible_contracts(actor: Actor) -> QuerySet[Contract]:
    """The organisation's contracts, less restricted ones the actor is not named on; a guest's
    are those their party is a party to."""
    from pactline.contracts.models import Contract

    qs = Contract.objects.filter(organisation=actor.organisation)
    return qs.filter(_contract_scope(actor, "", "pk"))


def visible_milestones(actor: Actor) -> QuerySet[Milestone]:
    """Milestones of visible contracts; a guest's only those shared with guests."""
    from pactline.milestones.models import Milestone

    qs = Milestone.objects.filter(organisation=actor.organisation)
    qs = qs.filter(_contract_scope(actor, "contract__", "contract_id"))
    return qs.filter(shared_with_guests=True) if actor.is_guest else qs


def visible_dependencies(actor: Actor) -> QuerySet[Dependency]:
    from pactline.milestones.models import Dependency

    qs = Dependency.objects.filter(organisation=actor.organisation)
    qs = qs.filter(_contract_scope(actor, "successor__contract__", "successor__contract_id"))
    if actor.is_guest:
        qs = qs.filter(predecessor__shared_with_guests=True, successor__shared_with_guests=True)
    return qs


def visible_series(actor: Actor) -> QuerySet[MilestoneSeries]:
    from pactline.milestones.models import MilestoneSeries

    if actor.is_guest:
        return MilestoneSeries.objects.none()
    qs = MilestoneSeries.objects.filter(organisation=actor.organisation)
    return qs.filter(_contract_scope(actor, "contract__", "contract_id"))


def visible_parties(actor: Actor) -> QuerySet[Party]:
    from pactline.contracts.models import Party

    qs = Party.objects.filter(organisation=actor.organisation)
    return qs.filter(pk=actor.party_id) if actor.is_guest else qs


def visible_templates(actor: Actor) -> QuerySet[MilestoneTemplate]:
    from pactline.milestones.models import MilestoneTemplate

    if actor.is_guest:
        return MilestoneTemplate.objects.none()
    # Built-in templates (organisation NULL) are shared by every organisation.
    return MilestoneTemplate.objects.filter(
        Q(organisation=actor.organisation) | Q(organisation__isnull=True)
    )


def visible_events(actor: Actor) -> QuerySet[Event]:
    """The audit trail as the actor may read it: nothing about contracts hidden from them; a
    guest reads only what happened to the milestones, comments and documents they see."""
    from pactline.activity.models import Event
    from pactline.contracts.models import Contract, RestrictedRemnant

    qs = Event.objects.filter(organisation=actor.organisation)
    if actor.is_guest:
        seen = (
            Q(subject_type="milestone", subject_id__in=visible_milestones(actor).values("pk"))
            | Q(subject_type="comment", subject_id__in=visible_comments(actor).values("pk"))
            | Q(subject_type="document", subject_id__in=visible_documents(actor).values("pk"))
        )
        return qs.filter(seen, contract_id__in=visible_contracts(actor).values("pk"))
    if not at_least(actor, Role.ADMIN):
        # Saved views are personal tools: their events are read by their author and admins.
        qs = qs.exclude(Q(subject_type="savedview") & ~Q(actor_id=actor.user_id))
    if not can_see_restricted(actor):
        hidden = Contract.objects.filter(organisation=actor.organisation, restricted=True)
        hidden = hidden.exclude(members__user_id=actor.user_id)
        qs = qs.exclude(contract_id__in=hidden.values("pk"))
        # A deleted restricted contract's history stays restricted to the people named on it.
        gone = RestrictedRemnant.objects.filter(organisation=actor.organisation)
        gone = gone.exclude(members__user_id=actor.user_id)
        qs = qs.exclude(contract_id__in=gone.values("contract_id"))
    return qs


def visible_comments(actor: Actor) -> QuerySet[Comment]:
    """Comments on visible contracts and milestones; a guest's only on shared milestones."""
    from pactline.collab.models import Comment

    qs = Comment.objects.filter(organisation=actor.organisation)
    qs = qs.filter(_contract_scope(actor, "contract__", "contract_id"))
    if actor.is_guest:
        qs = qs.filter(milestone__shared_with_guests=True)
    return qs


def visible_documents(actor: Actor) -> QuerySet[Document]:
    """Documents of visible contracts and milestones; a guest's only on shared milestones."""
    from pactline.collab.models import Document

    qs = Document.objects.filter(organisation=actor.organisation)
    qs = qs.filter(_contract_scope(actor, "contract__", "contract_id"))
    if actor.is_guest:
        qs = qs.filter(milestone__shared_with_guests=True)
    return qs


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


# --- saved views of lists ---------------------------------------------------------------------


def can_save_views(actor: Actor) -> bool:
    """Save a list's columns, filters and sort as a named view of one's own."""
    return at_least(actor, Role.VIEWER)


def can_share_views(actor: Actor) -> bool:
    """Share a saved view with the whole organisation."""
    return at_least(actor, Role.MANAGER)


def can_change_saved_view(actor: Actor, view: object) -> bool:
    """Rename, update or (un)share a saved view: its owner only."""
    return (
        at_least(actor, Role.VIEWER)
        and actor.user_id is not None
        and getattr(view, "owner_id", None) == actor.user_id
    )


def can_delete_saved_view(actor: Actor, view: object) -> bool:
    """Its owner, or an admin tidying the organisation's shared views (others' private views
    are never visible to anyone, admins included)."""
    return can_change_saved_view(actor, view) or at_least(actor, Role.ADMIN)


def visible_saved_views(actor: Actor) -> QuerySet[SavedView]:
    """One's own views and the views shared in the organisation (guests have none)."""
    from pactline.savedviews.models import SavedView

    if actor.is_guest or actor.user_id is None:
        return SavedView.objects.none()
    return SavedView.objects.filter(
        Q(owner_id=actor.user_id) | Q(shared=True), organisation=actor.organisation
    )

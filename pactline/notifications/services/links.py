"""Using a signed e-mail link: check it, act as its person, remember it was used."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction

from pactline.accounts import permissions
from pactline.accounts.models import Organisation, User
from pactline.accounts.permissions import Actor
from pactline.errors import NotFound
from pactline.milestones.models import Milestone
from pactline.milestones.services import contract_today
from pactline.notifications.links import Link, LinkError, read_token
from pactline.notifications.models import UsedLink
from pactline.notifications.services.people import complete, remember_link, snooze

VIA = " (via e-mail link)"


def open_link(token: str) -> tuple[Link, Actor, Milestone]:
    """Check a link without using it: for the page that asks to confirm."""
    link = read_token(token)
    if UsedLink.objects.filter(link_id=link.link_id).exists():
        raise LinkError("used", "This link has been used already.")
    user = User.objects.filter(pk=link.user_id, is_active=True).first()
    org = Organisation.objects.filter(pk=link.organisation_id).first()
    if user is None or org is None:
        raise LinkError("invalid", "This link is not valid.")
    try:
        actor = Actor.for_user(user, org)
        milestone = permissions.get_visible(
            permissions.visible_milestones(actor).select_related("contract"),
            link.milestone_id,
            "milestone",
        )
    except NotFound:
        raise LinkError("invalid", "This link is no longer valid.") from None
    return link, actor, milestone


@transaction.atomic
def use_link(token: str) -> tuple[Link, Milestone]:
    """Do the link's action once; the action is recorded as an event by the service doing it."""
    link, actor, milestone = open_link(token)
    assert actor.user is not None
    if not remember_link(actor.user, link.link_id, link.action):
        raise LinkError("used", "This link has been used already.")
    if link.action == "done":
        milestone = complete(actor, milestone, via=VIA)
    else:
        until = contract_today(milestone.contract) + timedelta(days=link.days or 3)
        snooze(actor, milestone, until, via=VIA)
    return link, milestone

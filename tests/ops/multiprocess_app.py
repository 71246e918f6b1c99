"""Run inside a Pactline process (DATABASE_URL of the multiprocess test's own database): an
organisation, its owner with an API token, and a contract whose milestones are due today.

The owner's time zone is chosen so that it is about noon there now: the built-in policy's
"on the day" reminder (09:00 local) has come and nothing else is due, so each milestone due
today owes its owner exactly one e-mail. Prints JSON for the test.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone


def noon_zone(now: datetime) -> str:
    """An Etc/GMT zone where the local time is between 12:00 and 13:00 now."""
    offset = 12 - now.hour  # hours to add to UTC
    if offset > 12:
        offset -= 24
    if offset < -11:
        offset += 24
    return f"Etc/GMT{-offset:+d}" if offset else "Etc/GMT"


def main(count: int) -> None:
    from pactline.accounts import services as accounts
    from pactline.accounts.models import Role
    from pactline.accounts.permissions import Actor
    from pactline.contracts import services as contracts
    from pactline.demo import ensure_member, ensure_organisation, ensure_user
    from pactline.milestones import services as milestones
    from pactline.notifications.reminders import schedule

    zone = noon_zone(timezone.now())
    today = datetime.now(ZoneInfo(zone)).date()
    with transaction.atomic():
        org = ensure_organisation("Scale test")
        org.default_time_zone = zone
        org.save(update_fields=["default_time_zone"])
        user = ensure_user("olga@scale.test", "Olga", None)
        user.time_zone = zone
        user.save(update_fields=["time_zone"])
        membership = ensure_member(user, org, Role.OWNER)
        actor = Actor.for_membership(membership)
        contract = contracts.create_contract(
            actor,
            {"number": "SCALE-1", "title": "Load", "owner_id": user.pk, "time_zone": zone},
        )
        rows = [
            milestones.create_milestone(
                actor,
                contract,
                {"title": f"Due today {n:03d}", "owner_id": user.pk, "due_date": today},
            )
            for n in range(count)
        ]
    schedule.refresh_milestones([m.pk for m in rows])
    token = accounts.create_token_for_email(user.email, org.name, "load")
    print(
        json.dumps(
            {
                "token": token,
                "user_id": user.pk,
                "contract_id": contract.pk,
                "today": today.isoformat(),
                "later": (today + timedelta(days=60)).isoformat(),
                "milestones": {m.pk: m.version for m in rows},
            }
        )
    )


if __name__ == "__main__":
    import django

    django.setup()
    main(int(sys.argv[1]))

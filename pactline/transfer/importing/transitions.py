"""The shortest chain of allowed status changes from one milestone status to another."""

from __future__ import annotations

from collections import deque

from pactline.milestones.models import MilestoneStatus as S
from pactline.milestones.services import TRANSITIONS


def allowed(current: str, target: str, has_approver: bool) -> bool:
    """One step, with the rules `transition` enforces on approvers."""
    if target not in TRANSITIONS.get(current, frozenset()):
        return False
    if target == S.SUBMITTED and not has_approver:
        return False
    return not (target == S.DONE and has_approver and current != S.ACCEPTED)


def status_path(current: str, target: str, has_approver: bool) -> list[str] | None:
    """Statuses to pass through after `current`, ending with `target`; None if unreachable."""
    if current == target:
        return []
    previous: dict[str, str] = {current: ""}
    queue = deque([current])
    while queue:
        status = queue.popleft()
        for step in sorted(TRANSITIONS.get(status, frozenset())):
            if step in previous or not allowed(status, step, has_approver):
                continue
            previous[step] = status
            if step == target:
                path = [step]
                while previous[path[-1]] != current:
                    path.append(previous[path[-1]])
                return path[::-1]
            queue.append(step)
    return None

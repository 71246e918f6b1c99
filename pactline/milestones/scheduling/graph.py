"""The cascade: due dates and forecasts of a contract's milestones, in dependency order.

A milestone's date can hang off another milestone two ways: its rule's anchor (another
milestone's due date, or its actual completion) and finish-to-start links with a lag. `solve`
orders the milestones so every predecessor comes first, refuses cycles naming them, and returns
for each milestone its computed due date with the trace of why, and a forecast that moves when a
predecessor is late. Pure: no database; services load rows into `Node`s and write back results.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from pactline.milestones.scheduling.calendars import WorkCalendar
from pactline.milestones.scheduling.rules import (
    MILESTONE_ANCHORS,
    Anchor,
    DueRule,
    Unit,
    add_offset,
    compute_due,
)


class CycleError(ValueError):
    """The links form a loop; `titles` names it, first one repeated at the end."""

    def __init__(self, titles: list[str]) -> None:
        self.titles = titles
        super().__init__("dependency cycle: " + " -> ".join(titles))


@dataclass(frozen=True)
class Link:
    """Finish-to-start: the successor is due no earlier than the predecessor's finish + lag."""

    predecessor: int
    lag: int = 0
    lag_unit: Unit = Unit.WORKING_DAYS


@dataclass(frozen=True)
class Node:
    id: int
    title: str
    rule: DueRule
    anchor_id: int | None = None
    override: date | None = None
    completed_on: date | None = None
    is_open: bool = True
    links: tuple[Link, ...] = ()

    def predecessors(self) -> list[int]:
        ids = [link.predecessor for link in self.links]
        if self.rule.anchor in MILESTONE_ANCHORS and self.anchor_id is not None:
            ids.append(self.anchor_id)
        return ids


@dataclass(frozen=True)
class ContractDates:
    start: date | None = None
    end: date | None = None
    signed: date | None = None

    def anchors(self) -> dict[Anchor, date | None]:
        return {
            Anchor.CONTRACT_START: self.start,
            Anchor.CONTRACT_END: self.end,
            Anchor.CONTRACT_SIGNED: self.signed,
        }


@dataclass
class Result:
    computed: date | None
    due: date | None
    trace: str
    provisional: bool = False
    forecast: date | None = None
    pushed_by: list[str] = field(default_factory=list)


def order(nodes: Mapping[int, Node]) -> list[int]:
    """Predecessors first (Kahn's algorithm); CycleError when the links loop."""
    indegree = {nid: 0 for nid in nodes}
    successors: dict[int, list[int]] = {nid: [] for nid in nodes}
    for node in nodes.values():
        for pred in node.predecessors():
            if pred in nodes:
                indegree[node.id] += 1
                successors[pred].append(node.id)
    ready = sorted(nid for nid, n in indegree.items() if n == 0)
    out: list[int] = []
    while ready:
        nid = ready.pop()
        out.append(nid)
        for succ in successors[nid]:
            indegree[succ] -= 1
            if indegree[succ] == 0:
                ready.append(succ)
    if len(out) != len(nodes):
        raise CycleError(find_cycle(nodes, {nid for nid, n in indegree.items() if n > 0}))
    return out


def find_cycle(nodes: Mapping[int, Node], among: set[int] | None = None) -> list[str]:
    """Titles along one cycle, e.g. ["A", "B", "A"]; empty when there is none."""
    state: dict[int, int] = {}  # 1 = on the current path, 2 = done
    for start in sorted(among if among is not None else nodes):
        if state.get(start):
            continue
        path: list[int] = []
        stack: list[tuple[int, Iterable[int]]] = [(start, iter(nodes[start].predecessors()))]
        state[start] = 1
        path.append(start)
        while stack:
            nid, preds = stack[-1]
            nxt = next((p for p in preds if p in nodes), None)
            if nxt is None:
                state[nid] = 2
                stack.pop()
                path.pop()
            elif state.get(nxt) == 1:
                loop = [*path[path.index(nxt) :], nxt]
                return [nodes[i].title for i in reversed(loop)]
            elif not state.get(nxt):
                state[nxt] = 1
                path.append(nxt)
                stack.append((nxt, iter(nodes[nxt].predecessors())))
    return []


def _finish(result: Result, node: Node, forecast: bool) -> date | None:
    if node.completed_on is not None:
        return node.completed_on
    return result.forecast if forecast else result.due


def _rule_date(
    node: Node,
    anchors: dict[Anchor, date | None],
    done: Mapping[int, Result],
    nodes: Mapping[int, Node],
    cal: WorkCalendar,
    forecast: bool,
):  # type: ignore[no-untyped-def]
    name, provisional = "", False
    if node.rule.anchor in MILESTONE_ANCHORS:
        target = nodes.get(node.anchor_id) if node.anchor_id is not None else None
        base = None
        if target is not None:
            res = done[target.id]
            name = target.title
            if node.rule.anchor is Anchor.MILESTONE:
                base = res.forecast if forecast else res.due
            else:
                name = f"completion of {target.title}"
                base = target.completed_on or (res.forecast if forecast else res.due)
                provisional = target.completed_on is None
        anchors = {**anchors, node.rule.anchor: base}
    return compute_due(node.rule, anchors, cal, anchor_name=name, provisional=provisional)


def _push(
    node: Node,
    start: date | None,
    done: Mapping[int, Result],
    nodes: Mapping[int, Node],
    cal: WorkCalendar,
    forecast: bool,
) -> tuple[date | None, list[str]]:
    """Apply finish-to-start links: never earlier than a predecessor's finish + lag."""
    best, reasons = start, []
    for link in node.links:
        pred = nodes.get(link.predecessor)
        if pred is None:
            continue
        finish = _finish(done[pred.id], pred, forecast)
        if finish is None:
            continue
        earliest = add_offset(finish, link.lag, link.lag_unit, cal).result
        if best is None or earliest > best:
            best = earliest
            reasons.append(
                f"pushed to {earliest.isoformat()} by {pred.title} "
                f"(finish {finish.isoformat()} + {link.lag} {link.lag_unit.label})"
            )
    return best, reasons


def solve(
    nodes: Iterable[Node], dates: ContractDates, cal: WorkCalendar, today: date
) -> dict[int, Result]:
    by_id = {n.id: n for n in nodes}
    anchors = dates.anchors()
    done: dict[int, Result] = {}
    for nid in order(by_id):
        node = by_id[nid]
        computed = _rule_date(node, anchors, done, by_id, cal, forecast=False)
        due, pushes = _push(node, computed.due, done, by_id, cal, forecast=False)
        trace = computed.trace
        if pushes:
            trace = f"{due.isoformat() if due else '-'} = " + "; ".join([trace, *pushes])
        result = Result(
            computed=due,
            due=due,
            trace=trace[:500],
            provisional=computed.provisional,
            pushed_by=pushes,
        )
        if node.override is not None:
            result.due = node.override
            result.trace = (
                f"{node.override.isoformat()} set by hand; the rule gives "
                f"{due.isoformat() if due else 'no date'}: {computed.trace}"
            )[:500]
        done[nid] = result
        result.forecast = _forecast(node, result, done, by_id, anchors, cal, today)
    return done


def _forecast(
    node: Node,
    result: Result,
    done: Mapping[int, Result],
    nodes: Mapping[int, Node],
    anchors: dict[Anchor, date | None],
    cal: WorkCalendar,
    today: date,
) -> date | None:
    """When it will really finish: its due date, later if predecessors are late, today at the
    earliest while it is open and overdue; its completion date once complete."""
    if node.completed_on is not None:
        return node.completed_on
    if not node.is_open:
        return None
    if node.override is not None:
        candidate: date | None = node.override
    else:
        candidate = _rule_date(node, anchors, done, nodes, cal, forecast=True).due
    candidate, _ = _push(node, candidate, done, nodes, cal, forecast=True)
    options = [d for d in (candidate, result.due) if d is not None]
    if not options:
        return None
    best = max(options)
    if result.due is not None and result.due < today:
        best = max(best, today)
    return best

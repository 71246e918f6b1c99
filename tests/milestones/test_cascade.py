"""The dependency cascade, pure: order, pushes, forecasts, cycles."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pactline.milestones.scheduling import (
    Anchor,
    ContractDates,
    CycleError,
    DueRule,
    Link,
    Node,
    Unit,
    WorkCalendar,
    add_working_days,
    solve,
)

CAL = WorkCalendar()
TODAY = date(2027, 3, 1)
DATES = ContractDates(start=date(2027, 1, 4))


def fixed(nid, title, day, **kw):
    return Node(nid, title, DueRule(fixed_date=day), **kw)


def after(nid, title, anchor_id, days, anchor=Anchor.MILESTONE, **kw):
    rule = DueRule(anchor=anchor, offset=days, unit=Unit.WORKING_DAYS)
    return Node(nid, title, rule, anchor_id=anchor_id, **kw)


def test_ten_business_days_after_design_approval():
    results = solve(
        [fixed(1, "Design approval", date(2027, 2, 19)), after(2, "Build", 1, 10)],
        DATES,
        CAL,
        TODAY,
    )
    assert results[2].due == date(2027, 3, 5)
    assert results[2].trace == "2027-03-05 = Design approval (2027-02-19) + 10 working days"


def test_completion_anchor_is_provisional_until_done_and_then_follows_the_real_date():
    open_nodes = [
        fixed(1, "Acceptance", date(2027, 3, 10)),
        after(2, "Invoice", 1, 5, anchor=Anchor.MILESTONE_DONE),
    ]
    result = solve(open_nodes, DATES, CAL, TODAY)[2]
    assert result.provisional and result.due == date(2027, 3, 17)
    assert "provisional" in result.trace
    done = [
        fixed(1, "Acceptance", date(2027, 3, 10), completed_on=date(2027, 3, 12), is_open=False),
        after(2, "Invoice", 1, 5, anchor=Anchor.MILESTONE_DONE),
    ]
    result = solve(done, DATES, CAL, TODAY)[2]
    assert not result.provisional and result.due == date(2027, 3, 19)
    assert "completion of Acceptance (2027-03-12)" in result.trace


def test_finish_to_start_link_pushes_the_successor_and_says_so():
    nodes = [
        fixed(1, "Design", date(2027, 3, 10)),
        fixed(2, "Build", date(2027, 3, 11), links=(Link(1, lag=3),)),
    ]
    result = solve(nodes, DATES, CAL, TODAY)[2]
    assert result.due == date(2027, 3, 15)
    assert "pushed to 2027-03-15 by Design (finish 2027-03-10 + 3 working days)" in result.trace


def test_a_late_predecessor_moves_the_successors_forecast_before_it_is_late():
    nodes = [
        fixed(1, "Design", date(2027, 2, 20)),  # open and overdue on 1 March
        fixed(2, "Build", date(2027, 3, 3), links=(Link(1, lag=5),)),
    ]
    results = solve(nodes, DATES, CAL, TODAY)
    assert results[1].forecast == TODAY
    assert results[2].due == date(2027, 3, 3)
    assert results[2].forecast == add_working_days(TODAY, 5, CAL).result  # 8 March: at risk


def test_manual_override_keeps_the_computed_date_in_the_trace():
    node = Node(1, "Go-live", DueRule(fixed_date=date(2027, 4, 1)), override=date(2027, 4, 9))
    result = solve([node], DATES, CAL, TODAY)[1]
    assert (result.computed, result.due) == (date(2027, 4, 1), date(2027, 4, 9))
    assert result.trace.startswith("2027-04-09 set by hand; the rule gives 2027-04-01")


def test_cycles_are_refused_naming_them():
    nodes = [
        after(1, "A", 3, 1),
        after(2, "B", 1, 1),
        fixed(3, "C", date(2027, 3, 1), links=(Link(2),)),
        fixed(4, "D", date(2027, 3, 1)),
    ]
    with pytest.raises(CycleError) as err:
        solve(nodes, DATES, CAL, TODAY)
    assert str(err.value) in {
        "dependency cycle: A -> B -> C -> A",
        "dependency cycle: B -> C -> A -> B",
        "dependency cycle: C -> A -> B -> C",
    }


@st.composite
def graphs(draw):
    n = draw(st.integers(min_value=2, max_value=12))
    nodes = []
    for i in range(1, n + 1):
        preds = draw(st.lists(st.integers(min_value=1, max_value=n), max_size=3, unique=True))
        links = tuple(
            Link(p, lag=draw(st.integers(min_value=0, max_value=10))) for p in preds if p != i
        )
        day = date(2027, 1, 1) + timedelta(days=draw(st.integers(min_value=0, max_value=300)))
        nodes.append(fixed(i, f"M{i}", day, links=links))
    return nodes


def has_cycle(nodes) -> bool:
    graph = {n.id: [link.predecessor for link in n.links] for n in nodes}
    seen, stack = set(), set()

    def visit(v):
        if v in stack:
            return True
        if v in seen:
            return False
        seen.add(v)
        stack.add(v)
        found = any(visit(p) for p in graph[v])
        stack.discard(v)
        return found

    return any(visit(v) for v in graph)


@given(graphs())
def test_cascades_respect_every_link_and_cycles_are_always_detected(nodes):
    if has_cycle(nodes):
        with pytest.raises(CycleError) as err:
            solve(nodes, DATES, CAL, TODAY)
        titles = err.value.titles
        assert titles[0] == titles[-1] and len(titles) >= 2
        return
    results = solve(nodes, DATES, CAL, TODAY)
    for node in nodes:
        for link in node.links:
            earliest = add_working_days(results[link.predecessor].due, link.lag, CAL).result
            assert results[node.id].due >= earliest
            assert results[node.id].forecast >= results[node.id].due

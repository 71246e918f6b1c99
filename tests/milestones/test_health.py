"""Health is derived from dates and status, equally in Python and in SQL."""

from datetime import date, timedelta

import pytest

from pactline.milestones.health import Health, health_expression, health_of, health_q
from pactline.milestones.models import Milestone
from tests.factories import ContractFactory, MilestoneFactory

TODAY = date(2027, 2, 1)


CASES = [
    ("planned", TODAY - timedelta(days=1), None, None, Health.OVERDUE),
    ("in_progress", TODAY, None, None, Health.DUE_SOON),
    ("planned", TODAY + timedelta(days=7), None, None, Health.DUE_SOON),
    ("planned", TODAY + timedelta(days=8), None, None, Health.ON_TRACK),
    ("planned", TODAY + timedelta(days=30), TODAY + timedelta(days=35), None, Health.AT_RISK),
    ("submitted", TODAY - timedelta(days=3), None, None, Health.OVERDUE),
    ("planned", None, None, None, Health.UNSCHEDULED),
    ("done", TODAY - timedelta(days=5), None, TODAY - timedelta(days=5), Health.DONE_ON_TIME),
    ("accepted", TODAY - timedelta(days=5), None, TODAY - timedelta(days=2), Health.DONE_LATE),
    ("cancelled", TODAY - timedelta(days=5), None, None, Health.CANCELLED),
]


@pytest.mark.parametrize(("status", "due", "forecast", "completed", "expected"), CASES)
def test_health_of_one_milestone(status, due, forecast, completed, expected):
    m = Milestone(status=status, due_date=due, forecast_date=forecast, completed_on=completed)
    assert health_of(m, TODAY) == expected


def test_sql_health_agrees_with_python_for_every_case(db):
    contract = ContractFactory()
    made = [
        MilestoneFactory(
            contract=contract, status=s, due_date=d, forecast_date=f, completed_on=c, title=str(i)
        )
        for i, (s, d, f, c, _) in enumerate(CASES)
    ]
    annotated = {
        m.pk: m.health for m in Milestone.objects.annotate(health=health_expression(TODAY))
    }
    for m, case in zip(made, CASES, strict=True):
        assert annotated[m.pk] == case[-1].value == health_of(m, TODAY).value
    for health in Health:
        selected = set(
            Milestone.objects.filter(health_q(health, TODAY)).values_list("pk", flat=True)
        )
        expected = {m.pk for m in made if health_of(m, TODAY) is health}
        assert selected == expected, health

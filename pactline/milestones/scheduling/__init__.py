"""Due-date arithmetic, all of it: calendars, rules, dependency cascades, recurrence.

Pure functions with no database access; services, importer and API compute dates here.
"""

from pactline.milestones.scheduling.calendars import (
    MON_TO_FRI,
    PeriodEnd,
    Roll,
    Shift,
    WorkCalendar,
    add_working_days,
    describe_workweek,
    local_today,
    month_end,
    next_working_day,
    quarter_end,
    roll,
    snap,
    supported_countries,
    validate_calendar,
)
from pactline.milestones.scheduling.graph import (
    ContractDates,
    CycleError,
    Link,
    Node,
    Result,
    find_cycle,
    solve,
)
from pactline.milestones.scheduling.recurrence import RecurrenceError, occurrences, parse_rule
from pactline.milestones.scheduling.rules import (
    CONTRACT_ANCHORS,
    MILESTONE_ANCHORS,
    Anchor,
    Computed,
    DueRule,
    Unit,
    add_offset,
    compute_due,
)

__all__ = [
    "CONTRACT_ANCHORS",
    "MILESTONE_ANCHORS",
    "MON_TO_FRI",
    "Anchor",
    "Computed",
    "ContractDates",
    "CycleError",
    "DueRule",
    "Link",
    "Node",
    "PeriodEnd",
    "RecurrenceError",
    "Result",
    "Roll",
    "Shift",
    "Unit",
    "WorkCalendar",
    "add_offset",
    "add_working_days",
    "compute_due",
    "describe_workweek",
    "find_cycle",
    "local_today",
    "month_end",
    "next_working_day",
    "occurrences",
    "parse_rule",
    "quarter_end",
    "roll",
    "snap",
    "solve",
    "supported_countries",
    "validate_calendar",
]

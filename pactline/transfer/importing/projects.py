"""Project plans: Microsoft Project XML (MSPDI) and GanttProject (.gan).

Milestone tasks (or, if chosen, every task but summaries) become milestones of one contract,
due on the task's date (a milestone's start, a task's finish). Parsing streams through
defusedxml, which refuses DTDs and entities (billion laughs, external entities).
Dependency links are listed in the preview but not imported: there is no dependency model yet.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import IO, Any
from xml.etree.ElementTree import ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from pactline.transfer.importing.rows import RowRecord
from pactline.transfer.importing.types import ImportOptions, ImportRefused, Preview, Problem
from pactline.transfer.limits import limit

MSP_LINK_TYPES = {
    "0": "finish-to-finish",
    "1": "finish-to-start",
    "2": "start-to-finish",
    "3": "start-to-start",
}
GAN_LINK_TYPES = {
    "1": "start-to-start",
    "2": "finish-to-start",
    "3": "finish-to-finish",
    "4": "start-to-finish",
}


@dataclass
class Task:
    uid: str
    name: str
    start: str
    finish: str
    milestone: bool
    summary: bool
    position: int
    duration_days: int | None = None  # GanttProject: working days
    links: list[tuple[str, str, str]] = field(default_factory=list)  # (predecessor, type, lag)


@dataclass
class Plan:
    title: str = ""
    tasks: list[Task] = field(default_factory=list)


def _events(handle: IO[bytes]) -> Any:
    return SafeET.iterparse(handle, events=("start", "end"), forbid_dtd=True)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _bounded(plan: Plan) -> None:
    if len(plan.tasks) > limit("PACTLINE_IMPORT_MAX_ROWS"):
        raise ImportRefused(f"the plan has more than {limit('PACTLINE_IMPORT_MAX_ROWS'):,} tasks")


def parse_mspdi(handle: IO[bytes]) -> Plan:
    plan, depth = Plan(), 0
    for event, elem in _events(handle):
        depth += 1 if event == "start" else -1
        tag = _local(elem.tag)
        if event == "start" and depth == 1 and tag != "Project":
            raise ImportRefused("this XML file is not a Microsoft Project plan (MSPDI)")
        if event != "end":
            continue
        if depth == 1 and tag in ("Title", "Name") and (tag == "Title" or not plan.title):
            plan.title = (elem.text or "").strip() or plan.title
        elif depth == 2 and tag == "Task":
            plan.tasks.append(_msp_task(elem, len(plan.tasks) + 1))
            _bounded(plan)
            elem.clear()
    return plan


def _msp_task(elem: Any, position: int) -> Task:
    def text(name: str) -> str:
        for child in elem:
            if _local(child.tag) == name:
                return (child.text or "").strip()
        return ""

    task = Task(
        uid=text("UID"),
        name=text("Name"),
        start=text("Start"),
        finish=text("Finish"),
        milestone=text("Milestone") == "1",
        summary=text("Summary") == "1",
        position=position,
    )
    for child in elem:
        if _local(child.tag) == "PredecessorLink":
            values = {_local(c.tag): (c.text or "").strip() for c in child}
            lag_days = int(values.get("LinkLag", "0") or 0) // 4800  # tenths of minutes, 8h days
            task.links.append(
                (
                    values.get("PredecessorUID", ""),
                    MSP_LINK_TYPES.get(values.get("Type", "1"), "finish-to-start"),
                    f"{lag_days} days" if lag_days else "",
                )
            )
    return task


def parse_gan(handle: IO[bytes]) -> Plan:
    plan, stack, by_id, depth = Plan(), [], {}, 0
    for event, elem in _events(handle):
        depth += 1 if event == "start" else -1
        tag = elem.tag
        if event == "start" and depth == 1 and tag != "project":
            raise ImportRefused("this XML file is not a GanttProject plan (.gan)")
        if event == "start" and depth == 1:
            plan.title = elem.get("name", "").strip()
        if tag == "task" and event == "start":
            if stack:
                stack[-1].summary = True
            task = Task(
                uid=elem.get("id", ""),
                name=elem.get("name", "").strip(),
                start=elem.get("start", ""),
                finish="",
                milestone=elem.get("meeting") == "true",
                summary=False,
                position=len(plan.tasks) + 1,
                duration_days=_int(elem.get("duration", "0")),
            )
            plan.tasks.append(task)
            _bounded(plan)
            by_id[task.uid] = task
            stack.append(task)
        elif tag == "depend" and event == "start" and stack:
            # In .gan files the link sits on the predecessor and names the successor.
            stack[-1].links.append(
                (
                    elem.get("id", ""),
                    GAN_LINK_TYPES.get(elem.get("type", "2"), "finish-to-start"),
                    elem.get("difference", "0"),
                )
            )
        elif tag == "task" and event == "end":
            stack.pop()
            if not stack:
                elem.clear()
    _reverse_gan_links(plan, by_id)
    return plan


def _reverse_gan_links(plan: Plan, by_id: dict[str, Task]) -> None:
    """Store each link on its successor, as MSPDI does."""
    links = [(t.uid, succ, kind, lag) for t in plan.tasks for succ, kind, lag in t.links]
    for task in plan.tasks:
        task.links = []
    for pred, succ, kind, lag in links:
        if succ in by_id:
            by_id[succ].links.append((pred, kind, f"{lag} days" if lag not in ("", "0") else ""))


def _int(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None


def _gan_finish(start: date, duration: int) -> date:
    """The last working day (Monday to Friday) of a task of `duration` working days."""
    day, left = start, max(duration - 1, 0)
    while left:
        day += timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return day


def _task_date(task: Task, fmt: str) -> date:
    if fmt == "gan":
        start = date.fromisoformat(task.start[:10])
        if task.milestone or not task.duration_days:
            return start
        return _gan_finish(start, task.duration_days)
    return date.fromisoformat((task.start if task.milestone else task.finish)[:10])


def read_plan(
    handle: IO[bytes], fmt: str, options: ImportOptions, preview: Preview
) -> list[RowRecord]:
    try:
        plan = parse_mspdi(handle) if fmt == "mspdi" else parse_gan(handle)
    except DefusedXmlException as exc:
        raise ImportRefused(f"the plan uses XML features refused for safety ({exc})") from None
    except ParseError as exc:
        raise ImportRefused(f"the plan is not well-formed XML: {exc}") from None
    if not options.contract_number:
        raise ImportRefused("choose the contract (its number) that receives the plan's milestones")
    preview.mapping = {
        "task name": "milestone_title",
        "task date": "due_date",
        "task id": "milestone_external_id",
    }
    chosen = [
        t
        for t in plan.tasks
        if not t.summary and (t.milestone or options.all_tasks) and t.uid != "0"
    ]
    preview.rows_read = len(plan.tasks)
    preview.notes.append(
        f"{len(chosen)} of {len(plan.tasks)} tasks imported "
        + ("(all tasks but summaries)" if options.all_tasks else "(milestone tasks only)")
    )
    records = [r for t in chosen if (r := _record(t, fmt, options, plan, preview))]
    _links(chosen, plan, preview)
    return records


def _record(
    task: Task, fmt: str, options: ImportOptions, plan: Plan, preview: Preview
) -> RowRecord | None:
    values: dict[str, Any] = {
        "contract_number": options.contract_number,
        "milestone_title": task.name[:300],
        "milestone_external_id": f"{fmt}:{task.uid}",
    }
    title = options.contract_title or plan.title
    if title:
        values["contract_title_if_new"] = title[:300]
    if not task.name:
        preview.add_problem(Problem(task.position, "Name", task.uid, "the task has no name"))
        return None
    try:
        values["due_date"] = _task_date(task, fmt)
    except ValueError:
        preview.add_problem(
            Problem(
                task.position,
                "Start" if task.milestone else "Finish",
                task.start or task.finish,
                "is not a date",
            )
        )
        return None
    if not task.milestone:
        values["milestone_kind"] = "deliverable"
    return RowRecord(task.position, values)


def _links(chosen: list[Task], plan: Plan, preview: Preview) -> None:
    names = {t.uid: t.name for t in plan.tasks}
    for task in chosen:
        for pred, kind, lag in task.links:
            lag_text = f", lag {lag}" if lag else ""
            preview.not_imported.append(
                f"{task.name!r} after {names.get(pred, 'task ' + pred)!r} ({kind}{lag_text})"
            )
    if preview.not_imported:
        preview.notes.append(
            f"not imported: {len(preview.not_imported)} dependencies "
            "(coming with the deadline engine); their dates are imported"
        )

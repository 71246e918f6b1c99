"""Project plans: Microsoft Project XML (MSPDI) and GanttProject (.gan)."""

from __future__ import annotations

from datetime import date

import pytest

from pactline.contracts.models import Contract
from pactline.milestones.models import Milestone
from pactline.transfer.importing import ImportOptions, commit_import, plan_import
from tests.factories import ContractFactory

MSPDI = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Project xmlns="http://schemas.microsoft.com/project">
  <Name>billing.xml</Name>
  <Title>Billing platform</Title>
  <Tasks>
    <Task><UID>0</UID><ID>0</ID><Name>Billing platform</Name><Summary>1</Summary>
      <Milestone>0</Milestone><Start>2027-03-01T08:00:00</Start>
      <Finish>2027-06-30T17:00:00</Finish></Task>
    <Task><UID>1</UID><ID>1</ID><Name>Kick-off</Name><Summary>0</Summary><Milestone>1</Milestone>
      <Start>2027-03-01T08:00:00</Start><Finish>2027-03-01T08:00:00</Finish></Task>
    <Task><UID>2</UID><ID>2</ID><Name>Build &amp; test</Name><Summary>0</Summary>
      <Milestone>0</Milestone><Start>2027-03-02T08:00:00</Start>
      <Finish>2027-05-28T17:00:00</Finish>
      <PredecessorLink><PredecessorUID>1</PredecessorUID><Type>1</Type></PredecessorLink></Task>
    <Task><UID>3</UID><ID>3</ID><Name>Go-live</Name><Summary>0</Summary><Milestone>1</Milestone>
      <Start>2027-06-30T17:00:00</Start><Finish>2027-06-30T17:00:00</Finish>
      <PredecessorLink><PredecessorUID>2</PredecessorUID><Type>1</Type>
        <LinkLag>9600</LinkLag></PredecessorLink></Task>
  </Tasks>
  <Resources/>
</Project>
"""

GAN = """<?xml version="1.0" encoding="UTF-8"?>
<project name="Office move" company="Acme" webLink="" view-date="2027-03-01" version="3.2">
  <tasks empty-milestones="true">
    <taskproperties><taskproperty id="tpd0" name="type" type="default" valuetype="icon"/>
    </taskproperties>
    <task id="0" name="Move" meeting="false" start="2027-03-01" duration="15" complete="0">
      <task id="1" name="Contract signed" meeting="true" start="2027-03-01" duration="0"
            complete="0"><depend id="2" type="2" difference="0" hardness="Strong"/></task>
      <task id="2" name="Packing" meeting="false" start="2027-03-02" duration="5" complete="0">
        <depend id="3" type="2" difference="1" hardness="Strong"/></task>
      <task id="3" name="Keys handed over" meeting="true" start="2027-03-10" duration="0"
            complete="0"/>
    </task>
  </tasks>
  <resources/>
</project>
"""


def titles_and_dates():
    return sorted((m.title, m.due_date, m.external_id) for m in Milestone.objects.all())


def test_mspdi_milestone_tasks_become_milestones(manager, world):
    options = ImportOptions(filename="billing.xml", contract_number="C-10")
    preview = plan_import(manager, MSPDI.encode(), options)
    assert preview.ok, preview.problems
    assert preview.format == "mspdi"
    assert preview.counts()["contracts"]["create"] == 1
    assert preview.contracts[0].data["title"] == "Billing platform"
    assert [m.data["title"] for m in preview.milestones] == ["Kick-off", "Go-live"]
    assert preview.not_imported == ["'Go-live' after 'Build & test' (finish-to-start, lag 2 days)"]
    assert any("dependencies (coming with the deadline engine)" in n for n in preview.notes)
    commit_import(manager, preview)
    assert titles_and_dates() == [
        ("Go-live", date(2027, 6, 30), "mspdi:3"),
        ("Kick-off", date(2027, 3, 1), "mspdi:1"),
    ]


def test_mspdi_all_tasks_and_reimport(manager, world):
    ContractFactory(organisation=world.acme, number="C-10", title="Existing")
    options = ImportOptions(contract_number="C-10", all_tasks=True)
    preview = plan_import(manager, MSPDI.encode(), options)
    assert preview.counts()["contracts"] == {"create": 0, "update": 0, "unchanged": 1}
    build = preview.milestones[1]
    assert (build.data["title"], build.data["due_date"]) == ("Build & test", date(2027, 5, 28))
    assert build.data["kind"] == "deliverable"
    assert len(preview.not_imported) == 2
    commit_import(manager, preview)
    assert Contract.objects.get(number="C-10").title == "Existing"
    again = plan_import(manager, MSPDI.encode(), options)
    assert again.counts()["milestones"] == {"create": 0, "update": 0, "unchanged": 3}
    moved = MSPDI.replace("2027-06-30T17:00:00", "2027-07-02T17:00:00")
    changed = plan_import(manager, moved.encode(), options)
    [update] = [m for m in changed.milestones if m.action == "update"]
    assert update.describe() == "due_date: 2027-06-30 → 2027-07-02"


def test_gan_milestones_and_tasks(manager):
    options = ImportOptions(filename="move.gan", contract_number="MOVE-1", all_tasks=True)
    preview = plan_import(manager, GAN.encode(), options)
    assert preview.ok, preview.problems
    assert preview.format == "gan"
    got = [(m.data["title"], m.data["due_date"]) for m in preview.milestones]
    # the summary task "Move" is left out; Packing: 5 working days from Tue 2 March
    assert got == [
        ("Contract signed", date(2027, 3, 1)),
        ("Packing", date(2027, 3, 8)),
        ("Keys handed over", date(2027, 3, 10)),
    ]
    assert preview.contracts[0].data["title"] == "Office move"
    assert preview.not_imported == [
        "'Packing' after 'Contract signed' (finish-to-start)",
        "'Keys handed over' after 'Packing' (finish-to-start, lag 1 days)",
    ]
    commit_import(manager, preview)
    assert Milestone.objects.get(title="Packing").external_id == "gan:2"


def test_gan_milestones_only(manager):
    preview = plan_import(
        manager, GAN.encode(), ImportOptions(contract_number="MOVE-1", format="gan")
    )
    assert [m.data["title"] for m in preview.milestones] == ["Contract signed", "Keys handed over"]


def test_a_plan_needs_a_receiving_contract(manager):
    preview = plan_import(manager, MSPDI.encode())
    assert "choose the contract" in preview.problems[0].reason


def test_bad_task_dates_are_reported_per_task(manager):
    broken = MSPDI.replace(
        "<Start>2027-03-01T08:00:00</Start><Finish>2027-03-01T08:00:00",
        "<Start>soon</Start><Finish>2027-03-01T08:00:00",
    )
    preview = plan_import(manager, broken.encode(), ImportOptions(contract_number="C-1"))
    [problem] = preview.problems
    assert (problem.row, problem.column, problem.value) == (2, "Start", "soon")


@pytest.mark.parametrize(
    "payload",
    [
        # billion laughs
        """<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">
        <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
        <Project xmlns="http://schemas.microsoft.com/project"><Title>&lol2;</Title></Project>""",
        # external entity
        """<?xml version="1.0"?><!DOCTYPE p [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
        <project name="&xxe;"><tasks/></project>""",
    ],
)
def test_xml_attacks_are_refused(manager, payload):
    preview = plan_import(manager, payload.encode(), ImportOptions(contract_number="C-1"))
    assert "refused for safety" in preview.problems[0].reason
    assert Contract.objects.count() == 0


def test_broken_xml_and_wrong_roots(manager):
    options = ImportOptions(contract_number="C-1")
    broken = plan_import(manager, MSPDI[:400].encode(), options)
    assert "not well-formed XML" in broken.problems[0].reason
    wrong = plan_import(
        manager,
        b"<project><tasks/></project>",
        ImportOptions(contract_number="C-1", format="mspdi"),
    )
    assert "not a Microsoft Project plan" in wrong.problems[0].reason

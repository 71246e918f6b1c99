"""Reading a contract's text and deciding each proposal, through the services."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pactline.accounts.permissions import Actor
from pactline.activity.models import Event
from pactline.contracts.models import Contract
from pactline.contracts.services import update_contract
from pactline.errors import Conflict, Forbidden, ValidationFailed
from pactline.milestones.models import Milestone
from pactline.review import services
from pactline.review.models import ExtractionRun, ProposalStatus
from pactline.review.queries import visible_runs
from tests.review.helpers import CONTRACT_TEXT, proposal_of

pytestmark = pytest.mark.django_db


def last_event(contract: Contract) -> Event:
    return Event.objects.filter(contract_id=contract.pk).order_by("-seq").first()


def fresh(contract: Contract) -> Contract:
    return Contract.objects.get(pk=contract.pk)


# --- reading ----------------------------------------------------------------------------------


def test_pasted_text_gives_proposals_with_their_quotes(run: ExtractionRun, contract) -> None:
    fields = list(run.proposals.values_list("field", flat=True))
    assert fields[:6] == [
        "agreement_date",
        "effective_date",
        "expiration_date",
        "renewal_term",
        "notice_period",
        "notice_deadline",
    ]
    assert fields.count("obligation") == 3
    for p in run.proposals.all():
        assert run.text[p.start : p.end] == p.quote
    expiration = proposal_of(run, "expiration_date")
    assert expiration.value_date == date(2019, 5, 8)
    assert expiration.trace == "expiration = effective date 2014-05-08 + 5 years"
    event = last_event(contract)
    assert event.verb == "text_read"
    assert "pasted text" in event.summary


def test_a_text_file_is_read(manager: Actor, contract) -> None:
    upload = SimpleUploadedFile("supply.txt", CONTRACT_TEXT.encode("cp1252"))
    run = services.run_extraction(manager, contract, file=upload)
    assert run.filename == "supply.txt"
    assert proposal_of(run, "effective_date").value == "2014-05-08"


def test_a_docx_file_is_read(manager: Actor, contract, tmp_path) -> None:
    import docx

    document = docx.Document()
    for paragraph in CONTRACT_TEXT.split("\n\n"):
        document.add_paragraph(paragraph)
    document.save(tmp_path / "supply.docx")
    upload = SimpleUploadedFile("supply.docx", (tmp_path / "supply.docx").read_bytes())
    run = services.run_extraction(manager, contract, file=upload)
    assert proposal_of(run, "agreement_date").value == "2014-05-08"


def scanned_pdf() -> bytes:
    """A one-page PDF without any text (as a scan is, without OCR)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length 0 >>\nstream\n\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def test_a_scanned_pdf_has_no_text_layer(manager: Actor, contract) -> None:
    upload = SimpleUploadedFile("scan.pdf", scanned_pdf(), content_type="application/pdf")
    with pytest.raises(ValidationFailed) as caught:
        services.run_extraction(manager, contract, file=upload)
    assert caught.value.errors["file"][0].startswith("the PDF has no text layer")
    assert not ExtractionRun.objects.exists()


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"file": SimpleUploadedFile("x.exe", b"MZ")}, "file", "TXT, DOCX or PDF"),
        ({"file": SimpleUploadedFile("x.txt", b"a\x00b")}, "file", "not a text file"),
        ({"text": "   "}, "file", "paste"),
        ({}, "file", "paste"),
        ({"text": "x", "file": SimpleUploadedFile("x.txt", b"y")}, "text", "not both"),
    ],
)
def test_unreadable_input_is_refused(manager, contract, kwargs, field, message) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.run_extraction(manager, contract, **kwargs)
    assert message in " ".join(caught.value.errors[field])


def test_too_long_text_is_refused(manager, contract, monkeypatch) -> None:
    monkeypatch.setattr("pactline.review.reading.MAX_TEXT_CHARS", 100)
    with pytest.raises(ValidationFailed) as caught:
        services.run_extraction(manager, contract, text=CONTRACT_TEXT)
    assert "longer than 100 characters" in caught.value.errors["text"][0]


def test_nul_characters_are_dropped_from_pasted_text(manager, contract) -> None:
    run = services.run_extraction(manager, contract, text="Dated as of May 8, 2014.\x00")
    assert "\x00" not in run.text


@pytest.mark.parametrize("role", ["viewer", "member"])
def test_only_managers_read_contracts(world, contract, role: str) -> None:
    with pytest.raises(Forbidden):
        services.run_extraction(world.actor(role), contract, text=CONTRACT_TEXT)


def test_runs_are_visible_to_their_organisation_only(run, manager, outsider) -> None:
    assert list(visible_runs(manager)) == [run]
    assert not visible_runs(outsider).exists()


# --- accepting each field ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "attribute", "expected"),
    [
        ("agreement_date", "signed_on", date(2014, 5, 8)),
        ("effective_date", "start_on", date(2014, 5, 8)),
        ("expiration_date", "end_on", date(2019, 5, 8)),
    ],
)
def test_accepting_a_contract_date_sets_it(run, manager, contract, field, attribute, expected):
    p = services.accept(manager, proposal_of(run, field))
    assert getattr(fresh(contract), attribute) == expected
    assert p.status == ProposalStatus.ACCEPTED
    assert (p.result_type, p.result_id) == ("contract", contract.pk)
    assert p.decided_by == manager.user and p.decided_at is not None


def test_the_event_names_the_source_quote(run, manager, contract) -> None:
    services.accept(manager, proposal_of(run, "effective_date"))
    event = last_event(contract)
    assert event.verb == "proposal_accepted"
    assert event.subject_type == "contract"
    assert event.summary == (
        "Effective date 2014-05-08 accepted from the contract text (pasted text): “May 8, 2014”"
    )
    assert event.changes["quote"]["after"] == "May 8, 2014"
    updated = Event.objects.get(contract_id=contract.pk, verb="updated")
    assert updated.changes["start_on"] == {"before": None, "after": "2014-05-08"}


def test_perpetual_leaves_the_end_date_empty_and_says_so(manager, contract) -> None:
    update_contract(manager, contract, {"end_on": date(2030, 1, 1)}, None)
    text = (
        "This License Agreement is dated as of June 1, 2020. This Agreement shall continue in "
        "perpetuity unless terminated."
    )
    run = services.run_extraction(manager, contract, text=text)
    expiration = proposal_of(run, "expiration_date")
    assert expiration.value == "perpetual"
    p = services.accept(manager, expiration)
    assert fresh(contract).end_on is None
    assert "perpetual" in p.note and "left empty" in p.note


def test_the_renewal_term_is_noted_in_the_history(run, manager, contract) -> None:
    p = services.accept(manager, proposal_of(run, "renewal_term"))
    assert "successive 1 year" in p.note
    assert "successive one (1) year" in last_event(contract).summary


def test_the_notice_period_sets_the_contracts_notice_days(run, manager, contract) -> None:
    services.accept(manager, proposal_of(run, "notice_period"))
    assert fresh(contract).notice_period_days == 90


def test_a_notice_period_in_months_counts_back_from_the_end(manager, contract, run) -> None:
    notice = proposal_of(run, "notice_period")
    with pytest.raises(ValidationFailed) as caught:
        services.accept(manager, notice, "3 months")
    assert "end date" in caught.value.errors["value"][0]
    update_contract(manager, contract, {"end_on": date(2027, 6, 30)}, None)
    services.accept(manager, notice, "3 months")
    assert fresh(contract).notice_period_days == 92  # from 2027-03-30 to 2027-06-30


def test_the_notice_deadline_becomes_a_rule_from_the_contract_end(run, manager, contract):
    update_contract(manager, contract, {"end_on": date(2019, 5, 8)}, None)
    p = services.accept(manager, proposal_of(run, "notice_deadline"))
    m = Milestone.objects.get(pk=p.result_id)
    assert m.title == "Last day to give notice of non-renewal"
    assert (m.due_anchor, m.due_offset, m.due_unit) == ("contract_end", -90, "calendar_days")
    assert m.due_date == date(2019, 2, 7)
    assert "ninety (90) days prior" in m.description
    event = last_event(contract)
    assert (event.subject_type, event.subject_id) == ("milestone", m.pk)
    assert "“ninety (90) days prior”" in event.summary


def test_a_relative_payment_becomes_a_rule_after_its_event(run, manager, contract) -> None:
    p = services.accept(manager, proposal_of(run, "obligation", "payment"))
    m = Milestone.objects.get(pk=p.result_id)
    assert m.kind == "payment"
    assert m.title.startswith("Payment: Widget shall pay each invoice within thirty (30) days")
    event = Milestone.objects.get(pk=m.anchor_milestone_id)
    assert event.title == "Receipt of the invoice"
    assert (m.due_anchor, m.due_offset, m.due_unit) == ("milestone_done", 30, "calendar_days")
    assert m.due_date is None  # scheduled when the invoice arrives (its milestone is done)


def test_an_event_milestone_is_reused(manager, contract) -> None:
    text = (
        "Customer shall pay the fee within 30 days after receipt of the invoice. Customer "
        "shall pay the bonus within 60 days after receipt of the invoice."
    )
    run = services.run_extraction(manager, contract, text=text)
    for p in run.proposals.filter(field="obligation"):
        services.accept(manager, p)
    assert Milestone.objects.filter(title="Receipt of the invoice").count() == 1
    assert Milestone.objects.filter(kind="payment").count() == 2


def test_an_obligation_after_the_effective_date_follows_the_contract_start(run, manager, contract):
    update_contract(manager, contract, {"start_on": date(2027, 3, 1)}, None)
    report = next(p for p in run.proposals.filter(field="obligation") if "sixty" in p.quote)
    m = Milestone.objects.get(pk=services.accept(manager, report).result_id)
    assert (m.due_anchor, m.due_offset) == ("contract_start", 60)
    assert m.due_date == date(2027, 4, 30)


def test_a_dated_obligation_gets_a_fixed_date(run, manager) -> None:
    dated = next(p for p in run.proposals.filter(field="obligation") if p.value_date)
    m = Milestone.objects.get(pk=services.accept(manager, dated).result_id)
    assert (m.due_anchor, m.due_date, m.kind) == ("absolute", date(2015, 3, 1), "deliverable")


# --- edit, reject, refusals -------------------------------------------------------------------


def test_edit_then_accept(run, manager, contract) -> None:
    p = services.accept(manager, proposal_of(run, "effective_date"), " 1 June 2014 ")
    assert fresh(contract).start_on == date(2014, 6, 1)
    assert p.edited_value == "1 June 2014"
    assert p.value == "2014-05-08"  # what was proposed stays on record
    assert "2014-06-01 (corrected by hand)" in last_event(contract).summary


def test_an_edited_rule_for_an_obligation(run, manager, contract) -> None:
    payment = proposal_of(run, "obligation", "payment")
    m = Milestone.objects.get(
        pk=services.accept(manager, payment, "10 business days after contract signature").result_id
    )
    assert (m.due_anchor, m.due_offset, m.due_unit) == ("contract_signed", 10, "working_days")


@pytest.mark.parametrize(
    ("field", "edit"),
    [
        ("effective_date", "03/04/2027"),  # day or month first? never guessed
        ("effective_date", "soon"),
        ("notice_period", "ninety"),
        ("obligation", "whenever"),
    ],
)
def test_unreadable_edits_are_refused(run, manager, contract, field, edit) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.accept(manager, proposal_of(run, field), edit)
    assert "cannot read" in caught.value.errors["value"][0]
    assert proposal_of(run, field).status == ProposalStatus.PROPOSED


def test_a_contract_rule_violation_is_a_problem_of_the_value(run, manager, contract) -> None:
    update_contract(manager, contract, {"start_on": date(2020, 1, 1)}, None)
    with pytest.raises(ValidationFailed) as caught:
        services.accept(manager, proposal_of(run, "expiration_date"))
    assert caught.value.errors == {"value": ["end on: must not be before the start date"]}


def test_reject_with_a_reason(run, manager, contract) -> None:
    p = services.reject(manager, proposal_of(run, "agreement_date"), "that is the NDA's date")
    assert p.status == ProposalStatus.REJECTED and p.reason == "that is the NDA's date"
    assert fresh(contract).signed_on is None
    event = last_event(contract)
    assert event.verb == "proposal_rejected"
    assert "that is the NDA's date" in event.summary and "“May 8, 2014”" in event.summary


def test_reject_without_a_reason(run, manager) -> None:
    assert services.reject(manager, proposal_of(run, "renewal_term")).reason == ""


def test_a_redacted_value_needs_an_edited_value(manager, contract) -> None:
    text = 'This Agreement is made as of [***], 2020 (the "Effective Date") by A and B.'
    run = services.run_extraction(manager, contract, text=text)
    effective = proposal_of(run, "effective_date")
    assert effective.redacted and effective.value == "" and effective.quote == "[***], 2020"
    with pytest.raises(ValidationFailed) as caught:
        services.accept(manager, effective)
    assert "blanks this value out" in caught.value.errors["value"][0]
    services.accept(manager, effective, "2020-02-03")
    assert fresh(contract).start_on == date(2020, 2, 3)


def test_accepting_twice_is_refused(run, manager, contract) -> None:
    p = proposal_of(run, "effective_date")
    services.accept(manager, p)
    with pytest.raises(Conflict, match="already accepted"):
        services.accept(manager, p, "2014-06-01")
    with pytest.raises(Conflict, match="already accepted"):
        services.reject(manager, p)
    assert fresh(contract).start_on == date(2014, 5, 8)


def test_a_rejected_proposal_cannot_be_accepted(run, manager) -> None:
    p = services.reject(manager, proposal_of(run, "effective_date"))
    with pytest.raises(Conflict, match="already rejected"):
        services.accept(manager, p)


@pytest.mark.parametrize("role", ["viewer", "member"])
def test_only_managers_decide(run, world, role: str) -> None:
    p = proposal_of(run, "effective_date")
    with pytest.raises(Forbidden):
        services.accept(world.actor(role), p)
    with pytest.raises(Forbidden):
        services.reject(world.actor(role), p)

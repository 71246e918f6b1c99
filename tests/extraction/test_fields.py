"""Each pattern of the engine on a small hand-written contract."""

from __future__ import annotations

from datetime import date

import pytest

from pactline.extraction import PERPETUAL, Duration, Extractor, Field, Proposal, Rule, extract
from pactline.extraction.engine import RuleExtractor
from pactline.milestones.scheduling import Anchor, Unit

PREAMBLE = (
    'EXHIBIT 10.1\nSUPPLY AGREEMENT\n\nThis Supply Agreement (the "Agreement") is made and '
    'entered into as of May 8, 2014 (the "Effective Date") by and between Acme Inc. '
    '("Acme") and Widget Ltd. ("Widget").\n\n'
)
TERM = (
    "2. TERM. The term of this Agreement shall commence on the Effective Date and shall continue "
    'for a period of five (5) years (the "Initial Term"). Thereafter this Agreement shall '
    "automatically renew for successive one (1) year periods unless either party gives written "
    "notice of non-renewal at least ninety (90) days prior to the expiration of the then-current "
    "term.\n"
)


def value(text: str, field: Field) -> object:
    proposal = extract(text).get(field)
    return None if proposal is None else proposal.value


def test_agreement_and_effective_date_from_the_preamble() -> None:
    result = extract(PREAMBLE)
    agreement = result.get(Field.AGREEMENT_DATE)
    assert agreement is not None and agreement.value == date(2014, 5, 8)
    assert agreement.span is not None
    assert PREAMBLE[agreement.span.start : agreement.span.end] == "May 8, 2014"
    assert 0 <= agreement.confidence <= 1
    assert result.value(Field.EFFECTIVE_DATE) == "2014-05-08"


@pytest.mark.parametrize(
    ("text", "agreement"),
    [
        ("SERVICES AGREEMENT dated as of June 24, 2020, between A and B.", date(2020, 6, 24)),
        ("THIS AGREEMENT is made this 21st day of June, 1999 by and between A and B.",
         date(1999, 6, 21)),
        ("This Agreement is made on the twenty-first day of June, 1999 between A and B.",
         date(1999, 6, 21)),
        ("AGENCY AGREEMENT\nMay 14, 2014\nLadies and Gentlemen: The Company proposes ...",
         date(2014, 5, 14)),
        ("This Agreement is entered into in ShenZhen on February 08, 2007 between A and B.",
         date(2007, 2, 8)),
    ],
)  # fmt: skip
def test_agreement_date_patterns(text: str, agreement: date) -> None:
    assert value(text, Field.AGREEMENT_DATE) == agreement


def test_date_of_another_agreement_is_not_the_agreement_date() -> None:
    text = (
        "FIRST AMENDMENT. This First Amendment to the Supply Agreement dated April 1, 2017 between "
        "A and B is made this 22 day of June 2018."
    )
    assert value(text, Field.AGREEMENT_DATE) == date(2018, 6, 22)


def test_dated_and_effective_on_different_days() -> None:
    text = (
        'Consulting Agreement dated June 1, 2020, effective as of July 1, 2020 ("Effective Date").'
    )
    result = extract(text)
    assert result.value(Field.AGREEMENT_DATE) == "2020-06-01"
    assert result.value(Field.EFFECTIVE_DATE) == "2020-07-01"


@pytest.mark.parametrize(
    "text",
    [
        'This Agreement is made and entered into as of September __, 2018 (the "Effective Date").',
        "AGREEMENT made as of , 2013, between Freedom Corp and Cherry Corp.",
        "This Agreement is entered into as of [***], 2020 by A and B.",
    ],
)
def test_redacted_dates_are_reported_unknown(text: str) -> None:
    result = extract(text)
    proposal = result.get(Field.AGREEMENT_DATE)
    assert proposal is not None and proposal.redacted and proposal.value is None
    assert result.value(Field.AGREEMENT_DATE) == ""
    assert result.value(Field.EFFECTIVE_DATE) == ""


def test_no_date_gives_empty_answers() -> None:
    text = "This Agreement is between A and B. The parties agree to cooperate in good faith."
    result = extract(text)
    for field in (Field.AGREEMENT_DATE, Field.EFFECTIVE_DATE, Field.EXPIRATION_DATE,
                  Field.RENEWAL_TERM, Field.NOTICE_PERIOD):  # fmt: skip
        assert result.value(field) == "", field


def test_derived_expiration_carries_its_trace() -> None:
    proposal = extract(PREAMBLE + TERM).get(Field.EXPIRATION_DATE)
    assert proposal is not None
    assert proposal.value == date(2019, 5, 8)
    assert proposal.trace == "expiration = effective date 2014-05-08 + 5 years"


def test_auto_renewal_with_notice_and_the_derived_notice_deadline() -> None:
    result = extract(PREAMBLE + TERM)
    assert result.value(Field.RENEWAL_TERM) == "successive 1 year"
    assert result.get(Field.NOTICE_PERIOD).value == Duration(90, "days")  # type: ignore[union-attr]
    assert result.value(Field.NOTICE_PERIOD) == "90 days"
    deadline = result.get(Field.NOTICE_DEADLINE)
    assert deadline is not None and deadline.value == date(2019, 2, 7)
    assert deadline.trace == "notice deadline = expiration 2019-05-08 - 90 days"


def test_stated_expiration_date() -> None:
    text = PREAMBLE + "The initial term of this Agreement shall expire on 31 December 2024."
    assert value(text, Field.EXPIRATION_DATE) == date(2024, 12, 31)


def test_anniversary_expiration() -> None:
    text = PREAMBLE + (
        "This Agreement shall become effective as of the Effective Date and shall extend until "
        'the four (4) year anniversary of the Effective Date (the "Term").'
    )
    assert value(text, Field.EXPIRATION_DATE) == date(2018, 5, 8)


def test_perpetual_term() -> None:
    text = PREAMBLE + (
        "5.1 This Agreement begins on the Effective Date and shall continue indefinitely unless "
        "sooner terminated as provided in this Article 5."
    )
    assert value(text, Field.EXPIRATION_DATE) == PERPETUAL


def test_duration_from_a_redacted_start_is_unknown() -> None:
    text = (
        'This Agreement is made as of September __, 2018 (the "Effective Date"). The term of '
        "this Agreement shall begin on the Effective Date and continue for three (3) years."
    )
    assert value(text, Field.EXPIRATION_DATE) is None


def test_notice_in_its_own_sentence_and_month_renewals() -> None:
    text = PREAMBLE + (
        "This agreement is for a term of ten (10) years. This agreement will be automatically "
        "renewed at the end of every ten (10) year term. A six (6) months notice must be given "
        "by either party of their intention to terminate relations."
    )
    result = extract(text)
    assert result.value(Field.EXPIRATION_DATE) == "2024-05-08"
    assert result.value(Field.RENEWAL_TERM) == "successive 10 years"
    assert result.value(Field.NOTICE_PERIOD) == "6 months"


def test_year_to_year_renewal() -> None:
    text = PREAMBLE + (
        "Unless either party gives written notice to terminate this Agreement at least six (6) "
        "months prior to the end of said Initial Term, this Agreement shall continue on a year "
        "to year basis."
    )
    result = extract(text)
    assert result.value(Field.RENEWAL_TERM) == "successive 1 year"
    assert result.value(Field.NOTICE_PERIOD) == "6 months"


def test_renewal_by_mutual_agreement_is_not_a_renewal_term() -> None:
    text = PREAMBLE + (
        "The term of this Agreement is three (3) years. Thereafter, this Agreement can be renewed "
        "by mutual written agreement of the parties for successive one (1) year periods."
    )
    assert extract(text).value(Field.RENEWAL_TERM) == ""


def test_text_without_line_breaks_and_all_caps_headings() -> None:
    text = (
        "EXHIBIT 10.4 LICENSING AND WEB SITE HOSTING AGREEMENT THIS AGREEMENT IS ENTERED INTO ON "
        'FEBRUARY 26, 1999, (THE "EFFECTIVE DATE") BY AND BETWEEN MORTGAGE LOGIC.COM, INC. AND '
        "TRUELINK, INC. Page 1 of 9 Source: BNC MORTGAGE INC, 10-Q, 5/17/1999 1. TERM AND "
        "TERMINATION. This Agreement will take effect on the Effective Date and remain in effect "
        "for a period of 1 year. This Agreement shall renew automatically thereafter for "
        "successive one year periods unless either party delivers written notice of intent not to "
        "renew no later than thirty (30) days prior to the end of said year."
    )
    result = extract(text)
    assert result.value(Field.AGREEMENT_DATE) == "1999-02-26"
    assert result.value(Field.EFFECTIVE_DATE) == "1999-02-26"
    assert result.value(Field.EXPIRATION_DATE) == "2000-02-26"
    assert result.value(Field.RENEWAL_TERM) == "successive 1 year"
    assert result.value(Field.NOTICE_PERIOD) == "30 days"


def test_relative_obligation_becomes_a_rule() -> None:
    text = PREAMBLE + (
        "7. PAYMENT. Acme shall pay each invoice within thirty (30) days after acceptance of the "
        "Deliverables. Widget shall deliver the first prototype on or before March 1, 2015."
    )
    obligations = extract(text).obligations
    rules = [p for p in obligations if isinstance(p.value, Rule)]
    assert len(rules) == 1
    rule = rules[0].value
    assert isinstance(rule, Rule)
    assert (rule.anchor, rule.offset, rule.unit) == (Anchor.MILESTONE, 30, Unit.CALENDAR_DAYS)
    assert rule.event == "acceptance of the Deliverables"
    assert rules[0].label == "payment"
    assert rules[0].trace == "due = acceptance of the Deliverables + 30 calendar days"
    dated = [p for p in obligations if isinstance(p.value, date)]
    assert [(p.value, p.label) for p in dated] == [(date(2015, 3, 1), "delivery")]


def test_obligation_relative_to_the_effective_date_uses_the_contract_anchor() -> None:
    text = PREAMBLE + "Widget shall deliver a report within 2 months after the Effective Date."
    (proposal,) = extract(text).obligations
    assert proposal.value == Rule(Anchor.CONTRACT_START, 2, Unit.MONTHS)


def test_every_span_quotes_the_text() -> None:
    text = PREAMBLE + TERM
    for proposal in extract(text).proposals:
        assert proposal.span is not None
        assert text[proposal.span.start : proposal.span.end] == proposal.span.text
        assert 0.0 <= proposal.confidence <= 1.0


class FixedModel:
    """A stand-in for a model-based extractor: more confident about the expiration date."""

    name = "model"

    def propose(self, text: str) -> list[Proposal]:
        return [Proposal(Field.EXPIRATION_DATE, date(2030, 1, 1), None, 0.99, "model")]


def test_a_pluggable_extractor_wins_where_it_is_more_confident() -> None:
    model = FixedModel()
    assert isinstance(model, Extractor)
    result = extract(PREAMBLE + TERM, [RuleExtractor(), model])
    assert result.value(Field.EXPIRATION_DATE) == "2030-01-01"
    assert result.value(Field.AGREEMENT_DATE) == "2014-05-08"

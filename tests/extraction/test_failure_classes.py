"""One short hand-written contract per failure class seen in cross-validation on the CUAD sample.

None of these sentences is copied from the sample: each states the pattern in plain words, with
parties, numbers and dates made up, so the rules are checked on the form, not on one contract.
"""

from __future__ import annotations

from datetime import date

import pytest

from pactline.extraction import PERPETUAL, Field, extract

PARTIES = "by and between Northwind Traders LLC and Contoso Ltd."


def answers(text: str) -> dict[str, str]:
    result = extract(text)
    return {
        "agreement": result.value(Field.AGREEMENT_DATE),
        "effective": result.value(Field.EFFECTIVE_DATE),
        "expiration": result.value(Field.EXPIRATION_DATE),
    }


# --- expiration derived from the effective date and a length of time ------------------------


@pytest.mark.parametrize(
    ("term", "expires"),
    [
        ("The term of this Agreement shall be three (3) years from the Effective Date.",
         "2024-03-15"),
        ("This Agreement shall remain in force for a period of eighteen (18) months.",
         "2022-09-15"),
        ("It shall enter into force on the Effective Date and shall have a duration of two years.",
         "2023-03-15"),
        ("This Agreement shall be valid for five (5) years from the Effective Date.",
         "2026-03-15"),
    ],
)  # fmt: skip
def test_expiration_is_the_effective_date_plus_the_term(term: str, expires: str) -> None:
    text = f'This Agreement is made as of March 15, 2021 (the "Effective Date") {PARTIES} {term}'
    result = extract(text)
    assert result.value(Field.EXPIRATION_DATE) == expires
    proposal = result.get(Field.EXPIRATION_DATE)
    assert proposal is not None and "2021-03-15" in proposal.trace


def test_a_stated_start_and_a_duration_give_both_dates() -> None:
    text = (
        f"This Maintenance Contract is concluded {PARTIES} It shall be effective on 02 May 2011 "
        "and shall have a duration of three years."
    )
    got = answers(text)
    assert got["effective"] == "2011-05-02"
    assert got["expiration"] == "2014-05-02"


# --- "until terminated" and terms that end on an event: perpetual ----------------------------


@pytest.mark.parametrize(
    "term",
    [
        "This Agreement shall remain in effect until terminated by either party.",
        "The term of this Agreement shall continue in full force and effect until Contoso ceases "
        "to distribute the Products in the Territory.",
        "This Agreement shall begin on the Effective Date and shall continue until the "
        "termination of the Master Purchase Agreement.",
        "This Agreement shall continue in force until the earlier of (a) the sale of the last "
        "Unit and (b) written notice of termination from Northwind.",
        "This Agreement commences on the Effective Date, ending on the expiration of all Work "
        "Orders issued under it.",
        "Your employment shall start on the Effective Date and shall continue unless and until "
        "either party gives notice to the other.",
        "The term of this Agreement shall commence on the Effective Date and shall end on the "
        "thirtieth day following a written notice from either party to the other.",
    ],
)
def test_a_term_that_ends_on_an_event_is_perpetual(term: str) -> None:
    head = f'This Agreement is made as of March 15, 2021 (the "Effective Date") {PARTIES} '
    text = head + term
    proposal = extract(text).get(Field.EXPIRATION_DATE)
    assert proposal is not None and proposal.value == PERPETUAL
    span = proposal.span
    assert span is not None and text[span.start : span.end] == span.text
    assert span.start >= len(head) - 1 and span.text  # quotes the term sentence


@pytest.mark.parametrize(
    "text",
    [
        # an event bounded by a length of time is not open-ended: the rules do not guess
        "This Agreement shall remain in effect until the later of (a) three (3) years from the "
        "Effective Date and (b) completion of the Project.",
        # other things that last until an event are not the agreement's term
        "The obligations of confidentiality shall continue until the information becomes public.",
        "Each license shall continue until the expiration of the last Patent.",
        "Such consent shall automatically end upon the completion of the applicable Work Order.",
    ],
)
def test_other_things_lasting_until_an_event_are_not_a_perpetual_term(text: str) -> None:
    head = f'This Agreement is made as of March 15, 2021 (the "Effective Date") {PARTIES} '
    assert extract(head + text).value(Field.EXPIRATION_DATE) != "perpetual"


# --- a term defined by a name that is defined elsewhere --------------------------------------


def test_term_for_a_named_period_defined_elsewhere() -> None:
    text = (
        f"SERVICES AGREEMENT. This Agreement is entered into on June 1, 2018 {PARTIES} "
        '1. Definitions. 1.1 "Contract Year" means twelve months. 1.2 "Service Window" means '
        "Sept. 1st 2018 through to August 31, 2019. 9. TERM. This Agreement shall commence on "
        "the Effective Date and continue in effect for the Service Window, unless terminated "
        "earlier."
    )
    proposal = extract(text).get(Field.EXPIRATION_DATE)
    assert proposal is not None and proposal.value == date(2019, 8, 31)
    assert "Service Window" in proposal.trace


def test_effective_date_defined_elsewhere_anchors_the_term() -> None:
    text = (
        f"LICENSE AGREEMENT dated as of January 10, 2019 {PARTIES} The Initial Term shall be "
        "four (4) years from the Effective Date. 14. Definitions. As used herein, the "
        '"Effective Date" means the date first written above.'
    )
    got = answers(text)
    assert got["effective"] == "2019-01-10"
    assert got["expiration"] == "2023-01-10"


def test_effective_date_that_waits_for_an_approval_is_not_the_signing_date() -> None:
    text = (
        f"JOINT VENTURE CONTRACT {PARTIES} \"Effective Date\" means the date on which this "
        "Contract has been approved by the Approval Authority. IN WITNESS WHEREOF the parties "
        "have signed this Contract on August 3, 2004. " + "Schedule text. " * 80
        + "/s/ Li Wei Date: August 3, 2004"
    )  # fmt: skip
    got = answers(text)
    assert got["effective"] == ""


# --- dates in the title block and the signature block ---------------------------------------


def test_lone_date_in_the_title_block_is_the_agreement_date() -> None:
    text = (
        "DISTRIBUTION AGREEMENT\n\nOctober 2, 2017\n\nDear Sirs: This letter sets out the terms "
        "on which you will distribute our products."
    )
    assert answers(text)["agreement"] == "2017-10-02"


def test_effective_on_the_last_signature_takes_the_later_signature_date() -> None:
    body = "The Services are described in Exhibit A. " * 40
    text = (
        'This Agreement is effective as of the date of the last signature below (the "Effective '
        f'Date") {PARTIES} {body} IN WITNESS WHEREOF the parties have signed this Agreement. '
        "By: /s/ A. Smith Date: 4/2/2015 By: /s/ B. Jones Date: 4/9/2015"
    )
    assert answers(text)["effective"] == "2015-04-09"


def test_effective_the_day_after_the_last_signature() -> None:
    body = "The Services are described in Exhibit A. " * 40
    text = (
        "These Base Terms become effective on the day following the date of the last signature "
        f'below ("Effective Date"). {body} IN WITNESS WHEREOF. /s/ A. Smith 6/29/03 '
        "/s/ B. Jones 6/30/03"
    )
    result = extract(text)
    assert result.value(Field.EFFECTIVE_DATE) == "2003-07-01"
    assert "+ 1 day" in result.get(Field.EFFECTIVE_DATE).trace  # type: ignore[union-attr]


def test_as_of_the_date_last_signed_without_dates_is_empty() -> None:
    text = (
        'This Agreement is effective as of the date last signed below (the "Effective Date") '
        f"{PARTIES} The term of this Agreement is two (2) years from the Effective Date. "
        "IN WITNESS WHEREOF: By: /s/ A. Smith  By: /s/ B. Jones"
    )
    got = answers(text)
    assert got["effective"] == "" and got["expiration"] == ""


# --- redacted, spelled-out and ordinal dates -------------------------------------------------


def test_redacted_expiration_is_unknown_not_invented() -> None:
    text = (
        f'This Agreement is made as of March 15, 2021 (the "Effective Date") {PARTIES} The '
        "initial term of this Agreement shall expire on [***]."
    )
    proposal = extract(text).get(Field.EXPIRATION_DATE)
    assert proposal is not None and proposal.redacted and proposal.value is None


@pytest.mark.parametrize(
    ("preamble", "agreement"),
    [
        ("This Agreement is made the 4 June day of 2003", "2003-06-04"),
        ("This Agreement is made on the thirtieth day of April, 2010", "2010-04-30"),
        ("THIS AGREEMENT is entered into this 2nd day of January 2012", "2012-01-02"),
    ],
)
def test_ordinal_and_spelled_out_agreement_dates(preamble: str, agreement: str) -> None:
    assert answers(f"{preamble} {PARTIES}")["agreement"] == agreement


# --- "commencing on" and the Commencement Date ----------------------------------------------


def test_term_commencing_on_a_stated_date() -> None:
    text = (
        f"This Agreement is made {PARTIES} The initial term of this Agreement shall be for two "
        "(2) years commencing on the 1st day of July, 2010."
    )
    got = answers(text)
    assert got["effective"] == "2010-07-01"
    assert got["expiration"] == "2012-07-01"


def test_term_from_a_stated_commencement_date() -> None:
    text = (
        f"OUTSOURCING AGREEMENT {PARTIES} 2.1 The commencement date for this contract will be "
        "3rd March 2008. The initial term of this contract is 4 years from the commencement date."
    )
    got = answers(text)
    assert got["effective"] == "2008-03-03"
    assert got["expiration"] == "2012-03-03"


# --- terms set out in a schedule or an order: no date is invented ----------------------------


def test_term_set_out_in_a_schedule_gives_no_date() -> None:
    text = (
        f'This Agreement is made as of March 15, 2021 (the "Effective Date") {PARTIES} The term '
        "of this Agreement is set out in Schedule 2."
    )
    assert answers(text)["expiration"] == ""


def test_term_that_starts_on_an_undated_event_gives_no_date() -> None:
    text = (
        f'This Agreement is made as of March 15, 2021 (the "Effective Date") {PARTIES} The '
        "initial term of this Agreement will begin on the Effective Date and end twelve (12) "
        "months after the Launch."
    )
    assert answers(text)["expiration"] == ""


@pytest.mark.parametrize(
    "definition",
    [
        "The Commencement Date shall be October 1, 2016.",
        '"Commencement Date" means October 1, 2016.',
        'Deliveries start on October 1, 2016 (the "Commencement Date").',
    ],
)
def test_a_commencement_date_apart_from_the_effective_date_anchors_the_term(
    definition: str,
) -> None:
    text = (
        f'This Lease Agreement is made as of August 1, 2016 (the "Effective Date") {PARTIES} '
        f"{definition} The Term shall be two (2) years from the Commencement Date."
    )
    proposal = extract(text).get(Field.EXPIRATION_DATE)
    assert proposal is not None and proposal.value == date(2018, 10, 1)
    assert proposal.trace == "expiration = commencement date 2016-10-01 + 2 years"


def test_a_commencement_date_that_is_an_event_gives_no_expiration() -> None:
    text = (
        f'This Agreement is made as of August 1, 2016 (the "Effective Date") {PARTIES} '
        '"Commencement Date" means the date on which the first Unit is accepted. The Term shall '
        "be two (2) years from the Commencement Date."
    )
    assert answers(text)["expiration"] == ""


def test_effective_as_of_the_date_of_the_last_signature() -> None:
    body = "The Services are described in Exhibit A. " * 40
    text = (
        f"This Agreement {PARTIES} is effective as of the date of the last signature below. "
        f"{body} IN WITNESS WHEREOF: By: /s/ A. Smith Date: June 3, 2019 By: /s/ B. Jones "
        "Date: June 5, 2019"
    )
    assert answers(text)["effective"] == "2019-06-05"


def test_a_term_heading_names_the_subject_of_the_next_sentence() -> None:
    head = f'This Agreement is made as of January 1, 2020 (the "Effective Date") {PARTIES} '
    assert answers(head + "4. Term. Three years from the Effective Date.")["expiration"] == (
        "2023-01-01"
    )
    other = "Fees are payable during the Term. Three (3) years after the Effective Date, fees rise."
    assert answers(head + other)["expiration"] == ""

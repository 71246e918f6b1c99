"""The review pages: read a text, see the quotes highlighted, decide each proposal."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pactline.contracts.models import Contract
from pactline.review.models import ExtractionRun, ProposalStatus
from tests.review.helpers import CONTRACT_TEXT, proposal_of, sample_run
from tests.review.test_services import scanned_pdf

pytestmark = pytest.mark.django_db

HOSTILE = (
    "<script>alert('pwned')</script> MASTER AGREEMENT dated as of June 1, 2020 "
    '<img src=x onerror="alert(1)"> between A & B. </mark><b>bold</b>'
)


def extract_url(contract: Contract) -> str:
    return reverse("contract-extract", args=[contract.pk])


def review_url(run: ExtractionRun) -> str:
    return reverse("extraction-detail", args=[run.pk])


def test_the_contract_page_offers_it_to_managers_only(login, contract) -> None:
    link = "Find key dates in the contract text"
    page = reverse("contract-detail", args=[contract.pk])
    assert link in login("manager").get(page).content.decode()
    assert link not in login("member").get(page).content.decode()


def test_pasted_text_opens_the_review_with_highlighted_quotes(login, contract) -> None:
    client = login("manager")
    assert client.get(extract_url(contract)).status_code == 200
    response = client.post(extract_url(contract), {"text": CONTRACT_TEXT}, follow=True)
    run = ExtractionRun.objects.get()
    assert response.redirect_chain[-1][0] == review_url(run)
    html = response.content.decode()
    effective = proposal_of(run, "effective_date")
    agreement = proposal_of(run, "agreement_date")
    # the agreement and the effective date share one quote: one mark, an anchor for each
    assert f'<span id="quote-{effective.pk}"></span>' in html
    assert re.search(rf'<mark id="quote-{agreement.pk}" title="[^"]*">May 8, 2014</mark>', html)
    assert f'href="#quote-{effective.pk}"' in html
    assert "expiration = effective date 2014-05-08 + 5 years" in html
    assert html.count("<mark") == len({(p.start, p.end) for p in run.proposals.all()})
    assert "9 proposals, 9 to review" in html


def test_the_contract_text_is_never_html(login, contract) -> None:
    client = login("manager")
    response = client.post(extract_url(contract), {"text": HOSTILE}, follow=True)
    html = response.content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html and "<b>bold" not in html
    assert "&lt;script&gt;alert(&#x27;pwned&#x27;)&lt;/script&gt;" in html
    assert "&lt;/mark&gt;&lt;b&gt;bold&lt;/b&gt;" in html
    assert re.search(r'<mark id="quote-\d+" title="[^"]*">June 1, 2020</mark>', html)


def test_a_text_without_dates_says_so(login, contract) -> None:
    response = login("manager").post(
        extract_url(contract), {"text": "Minutes of the kick-off meeting."}, follow=True
    )
    html = response.content.decode()
    assert "0 proposals to review." in html
    assert "Nothing found: the text states none of the dates" in html


def test_an_uploaded_file(login, contract) -> None:
    upload = SimpleUploadedFile("supply.txt", CONTRACT_TEXT.encode())
    response = login("manager").post(extract_url(contract), {"file": upload})
    assert response.status_code == 302
    assert ExtractionRun.objects.get().filename == "supply.txt"


def test_a_scanned_pdf_says_it_has_no_text_layer(login, contract) -> None:
    upload = SimpleUploadedFile("scan.pdf", scanned_pdf())
    response = login("manager").post(extract_url(contract), {"file": upload})
    assert response.status_code == 422
    assert "The PDF has no text layer (a scanned image?)" in response.content.decode()
    assert not ExtractionRun.objects.exists()


def test_nothing_chosen_is_a_form_error(login, contract) -> None:
    response = login("manager").post(extract_url(contract), {"text": ""})
    assert response.status_code == 422
    assert "Choose a file or paste the contract&#x27;s text." in response.content.decode()


def test_accept_sets_the_contract_date(login, contract, run) -> None:
    p = proposal_of(run, "effective_date")
    response = login("manager").post(reverse("proposal-accept", args=[p.pk]), follow=True)
    assert response.redirect_chain[-1][0] == f"{review_url(run)}#proposal-{p.pk}"
    assert Contract.objects.get(pk=contract.pk).start_on == date(2014, 5, 8)
    html = response.content.decode()
    assert "Effective date: Start date set to 2014-05-08." in html
    assert f'href="{reverse("contract-detail", args=[contract.pk])}">See the contract' in html


def test_edit_then_accept(login, contract, run) -> None:
    p = proposal_of(run, "expiration_date")
    client = login("manager")
    bad = client.post(reverse("proposal-accept", args=[p.pk]), {"value": "12/31/2019"})
    assert bad.status_code == 422
    assert "Cannot read &#x27;12/31/2019&#x27;" in bad.content.decode()
    good = client.post(reverse("proposal-accept", args=[p.pk]), {"value": "perpetual"})
    assert good.status_code == 302
    assert "left empty" in proposal_of(run, "expiration_date").note


def test_accepting_twice_is_refused(login, contract, run) -> None:
    p = proposal_of(run, "effective_date")
    client = login("manager")
    client.post(reverse("proposal-accept", args=[p.pk]))
    again = client.post(reverse("proposal-accept", args=[p.pk]), {"value": "2014-06-01"})
    assert again.status_code == 409
    assert "already accepted" in again.content.decode()
    assert Contract.objects.get(pk=contract.pk).start_on == date(2014, 5, 8)


def test_reject_with_an_optional_reason(login, run) -> None:
    p = proposal_of(run, "renewal_term")
    client = login("manager")
    response = client.post(reverse("proposal-reject", args=[p.pk]), {"reason": "not ours"})
    assert response.status_code == 302
    p.refresh_from_db()
    assert p.status == ProposalStatus.REJECTED and p.reason == "not ours"


def test_a_redacted_value_offers_only_the_corrected_value(login, contract) -> None:
    run = sample_run(contract.pk, 'Made as of [***], 2020 (the "Effective Date") by A and B.')
    p = proposal_of(run, "effective_date")
    html = login("manager").get(review_url(run)).content.decode()
    assert f'aria-label="Accept {p.field_label}' not in html
    assert "Enter the value to accept" in html and "redacted" in html
    response = login("manager").post(reverse("proposal-accept", args=[p.pk]))
    assert response.status_code == 422
    assert "blanks this value out" in response.content.decode()


@pytest.mark.parametrize("role", ["viewer", "member"])
def test_lower_roles_are_refused(login, contract, run, role: str) -> None:
    client = login(role)
    p = proposal_of(run, "effective_date")
    assert client.get(extract_url(contract)).status_code == 403
    assert client.post(extract_url(contract), {"text": CONTRACT_TEXT}).status_code == 403
    assert client.get(review_url(run)).status_code == 403
    assert client.post(reverse("proposal-accept", args=[p.pk])).status_code == 403
    assert client.post(reverse("proposal-reject", args=[p.pk])).status_code == 403
    assert ExtractionRun.objects.count() == 1


def test_an_outsider_finds_nothing(login, contract, run) -> None:
    client = login("outsider")
    p = proposal_of(run, "effective_date")
    assert client.get(extract_url(contract)).status_code == 404
    assert client.get(review_url(run)).status_code == 404
    assert client.post(reverse("proposal-accept", args=[p.pk])).status_code == 404
    assert client.post(reverse("proposal-reject", args=[p.pk])).status_code == 404
    p.refresh_from_db()
    assert p.status == ProposalStatus.PROPOSED

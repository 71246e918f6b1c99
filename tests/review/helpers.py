"""A small contract and ready-made runs, for this app's tests and the shared permission tables
(tests/web/test_permission_matrix.py, tests/api/test_roles.py and test_tenancy.py)."""

from __future__ import annotations

from pactline.accounts.models import Membership
from pactline.accounts.permissions import Actor
from pactline.contracts.models import Contract
from pactline.review import services
from pactline.review.models import ExtractionRun, Proposal

CONTRACT_TEXT = (
    "SUPPLY AGREEMENT\n\n"
    'This Supply Agreement (the "Agreement") is made and entered into as of May 8, 2014 '
    '(the "Effective Date") by and between Acme Inc. ("Acme") and Widget Ltd. ("Widget").\n\n'
    "2. TERM. The term of this Agreement shall commence on the Effective Date and shall "
    'continue for a period of five (5) years (the "Initial Term"). Thereafter this Agreement '
    "shall automatically renew for successive one (1) year periods unless either party gives "
    "written notice of non-renewal at least ninety (90) days prior to the expiration of the "
    "then-current term.\n\n"
    "3. PAYMENT. Widget shall pay each invoice within thirty (30) days after receipt of the "
    "invoice. Acme shall deliver the prototype on or before March 1, 2015. Acme shall deliver "
    "the final report no later than sixty (60) days after the Effective Date.\n"
)

# API routes of this app, for tests/api/test_openapi.py
PATHS = {
    "/api/v1/contracts/{contract_id}/extractions": {"get", "post"},
    "/api/v1/extractions/{extraction_id}": {"get"},
    "/api/v1/proposals/{proposal_id}/accept": {"post"},
    "/api/v1/proposals/{proposal_id}/reject": {"post"},
}


def manager_of(contract_id: int) -> Actor:
    organisation_id = Contract.objects.get(pk=contract_id).organisation_id
    membership = Membership.objects.select_related("user", "organisation").get(
        organisation_id=organisation_id, role="manager"
    )
    return Actor.for_membership(membership)


def sample_run(contract_id: int, text: str = CONTRACT_TEXT) -> ExtractionRun:
    """The small contract read by the organisation's manager."""
    contract = Contract.objects.get(pk=contract_id)
    return services.run_extraction(manager_of(contract_id), contract, text=text)


def proposal_of(run: ExtractionRun, field: str, label: str = "") -> Proposal:
    found = run.proposals.filter(field=field)
    return (found.filter(label=label) if label else found).order_by("position").first()


def quiet_run(contract_id: int) -> ExtractionRun:
    """The small contract's reading stored directly, without an event, for the shared tables
    that compare the event count before and after the request under test."""
    contract = Contract.objects.get(pk=contract_id)
    run = ExtractionRun.objects.create(
        organisation_id=contract.organisation_id, contract=contract, text=CONTRACT_TEXT
    )
    Proposal.objects.bulk_create(
        Proposal(run=run, position=i, **fields)
        for i, fields in enumerate(services.proposal_rows(CONTRACT_TEXT))
    )
    return run


def quiet_proposal(contract_id: int) -> int:
    """The id of the open "effective date" proposal of a quietly stored reading."""
    return proposal_of(quiet_run(contract_id), "effective_date").pk

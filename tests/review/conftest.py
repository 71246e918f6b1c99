from __future__ import annotations

import pytest

from pactline.contracts.models import Contract
from pactline.review.models import ExtractionRun
from tests.api.conftest import api_as, as_outsider  # noqa: F401 (API clients per persona)
from tests.conftest import World
from tests.factories import ContractFactory
from tests.review.helpers import sample_run
from tests.web.conftest import login  # noqa: F401 (web clients per persona)


@pytest.fixture
def contract(world: World) -> Contract:
    """ACME-001, its dates not entered yet: they are in the signed contract's text."""
    return ContractFactory(
        organisation=world.acme,
        number="ACME-001",
        title="Supply of widgets",
        start_on=None,
        end_on=None,
    )


@pytest.fixture
def run(contract: Contract) -> ExtractionRun:
    """The small supply agreement, read for ACME-001 by maria (manager)."""
    return sample_run(contract.pk)

"""Fixtures shared with other test packages: the API clients per persona, the tenancy table's
objects and the web matrix's objects (their tables are extended here with guests and
restricted contracts)."""

from tests.api.conftest import api_as
from tests.api.test_tenancy import acme
from tests.web.test_permission_matrix import objects

__all__ = ["acme", "api_as", "objects"]

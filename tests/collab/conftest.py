"""The API clients per persona (tests/api/conftest.py) for the collaboration API tests."""

from tests.api.conftest import api_as

__all__ = ["api_as"]

"""Fixtures of the milestone tests: the API and web clients per persona."""

from tests.api.conftest import api_as  # noqa: F401 (the API clients per persona)
from tests.web.conftest import login  # noqa: F401 (the web clients per persona)

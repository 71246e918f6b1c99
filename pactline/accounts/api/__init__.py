"""REST API of accounts: who am I, the people of the organisation and invitations, the named
members of restricted contracts, and personal API tokens."""

from pactline.accounts.api.access import router as contract_members
from pactline.accounts.api.me import me
from pactline.accounts.api.people import router as people
from pactline.accounts.api.tokens import router as tokens

__all__ = ["contract_members", "me", "people", "tokens"]

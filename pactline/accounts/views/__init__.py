"""Web pages of accounts: contract access, members and invitations, API tokens, sign-in."""

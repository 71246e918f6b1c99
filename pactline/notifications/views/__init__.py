"""Web pages of the notifications app."""

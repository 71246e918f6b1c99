"""Web pages of the collaboration app: comments, documents, submissions with deliverables,
signed contact links, and the live fragment of the contract page."""

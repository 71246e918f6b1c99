"""REST API of comments, documents, submissions with deliverables and signed contact links."""

from pactline.collab.api.comments import router as comments
from pactline.collab.api.documents import router as documents
from pactline.collab.api.links import router as contact_links

__all__ = ["comments", "contact_links", "documents"]

"""Every write of the collaboration app goes through here, with its event."""

from pactline.collab.services.acceptance import submit_for_acceptance
from pactline.collab.services.comments import add_comment, delete_comment, edit_comment
from pactline.collab.services.documents import upload_document
from pactline.collab.services.links import (
    create_link,
    find_link,
    link_actor,
    revoke_link,
    use_link,
)

__all__ = [
    "add_comment",
    "create_link",
    "delete_comment",
    "edit_comment",
    "find_link",
    "link_actor",
    "revoke_link",
    "submit_for_acceptance",
    "upload_document",
    "use_link",
]

"""Web pages of comments, documents, submissions and signed contact links (mounted at the
site root by pactline.urls)."""

from django.urls import path

from pactline.collab.views import acceptance, comments, contact, documents

urlpatterns = [
    path(
        "contracts/<int:pk>/comments/", comments.contract_comment_add, name="contract-comment-add"
    ),
    path(
        "milestones/<int:pk>/comments/",
        comments.milestone_comment_add,
        name="milestone-comment-add",
    ),
    path("comments/<int:pk>/edit/", comments.comment_edit, name="comment-edit"),
    path("comments/<int:pk>/delete/", comments.comment_delete, name="comment-delete"),
    path("comments/<int:pk>/history/", comments.comment_history, name="comment-history"),
    path(
        "contracts/<int:pk>/documents/",
        documents.contract_document_add,
        name="contract-document-add",
    ),
    path(
        "milestones/<int:pk>/documents/",
        documents.milestone_document_add,
        name="milestone-document-add",
    ),
    path("documents/<int:pk>/", documents.document_detail, name="document-detail"),
    path(
        "documents/versions/<int:pk>/download/",
        documents.document_download,
        name="document-download",
    ),
    path("milestones/<int:pk>/submit/", acceptance.milestone_submit, name="milestone-submit"),
    path("milestones/<int:pk>/links/", acceptance.contact_link_create, name="contact-link-create"),
    path("links/<int:pk>/revoke/", acceptance.contact_link_revoke, name="contact-link-revoke"),
    # the signed link is the credential: no account, one milestone, one purpose
    path("c/<str:token>/", contact.contact_link, name="contact-link"),
    path(
        "c/<str:token>/files/<int:pk>/",
        contact.contact_link_download,
        name="contact-link-download",
    ),
]

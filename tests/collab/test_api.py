"""The collaboration API with hostile input: names with paths and scripts, wrong types,
oversized files, scripts and javascript: links in comments."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pactline.collab.models import DocumentVersion
from tests.api.conftest import url
from tests.conftest import World
from tests.factories import MilestoneFactory

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.7\n%%EOF\n"


@pytest.fixture
def milestone(contract, world: World):
    return MilestoneFactory(
        contract=contract,
        owner=world.user("member"),
        approver=world.user("manager"),
        status="in_progress",
    )


def post_file(client, target: str, name: str, content: bytes = PDF, kind: str = "application/pdf"):
    upload = SimpleUploadedFile(name, content, content_type=kind)
    return client.client.post(target, {"file": upload}, headers=client.headers)


def test_upload_names_are_sanitised_and_downloads_are_attachments(api_as, milestone) -> None:
    client = api_as("member")
    target = url("milestone-document-create", milestone_id=milestone.pk)
    response = post_file(client, target, "../../../etc/<script>x</script>report.pdf")
    assert response.status_code == 201, response.json()
    version = response.json()["versions"][0]
    assert version["filename"] == "script_report.pdf"
    stored = DocumentVersion.objects.get()
    assert ".." not in stored.storage_name and "script" not in stored.storage_name
    content = client.get(url("document-version-content", version_id=version["id"]))
    assert content["Content-Disposition"] == 'attachment; filename="script_report.pdf"'
    assert b"".join(content.streaming_content) == PDF
    new = post_file(
        client, url("document-version-create", document_id=response.json()["id"]), "r2.pdf"
    )
    assert [v["number"] for v in new.json()["versions"]] == [2, 1]


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("x.html", b"<script>alert(1)</script>", "text/html"),
        ("x.svg", b"<svg onload=alert(1)>", "image/svg+xml"),
        ("x.pdf", b"<script>alert(1)</script>", "application/pdf"),
        ("x.pdf", PDF, "text/html"),
    ],
)
def test_wrong_types_are_422_on_file(api_as, milestone, name, content, kind) -> None:
    client = api_as("member")
    target = url("milestone-document-create", milestone_id=milestone.pk)
    response = post_file(client, target, name, content, kind)
    assert response.status_code == 422 and "file" in response.json()["errors"]
    assert not DocumentVersion.objects.exists()


def test_oversized_is_422(api_as, milestone, settings) -> None:
    settings.PACTLINE_MAX_UPLOAD_MB = 0.001
    target = url("milestone-document-create", milestone_id=milestone.pk)
    response = post_file(api_as("member"), target, "big.pdf", PDF + b"0" * 5000)
    assert response.status_code == 422


def test_missing_file_and_unknown_fields(api_as, milestone) -> None:
    client = api_as("member")
    target = url("milestone-document-create", milestone_id=milestone.pk)
    assert client.client.post(target, {}, headers=client.headers).status_code == 422
    response = client.client.post(
        target,
        {"file": SimpleUploadedFile("a.pdf", PDF), "colour": "red"},
        headers=client.headers,
    )
    assert response.status_code == 422 and "colour" in response.json()["errors"]


def test_comments_keep_the_text_and_sanitise_the_html(api_as, milestone) -> None:
    client = api_as("member")
    body = "<script>alert(1)</script> [x](javascript:alert(1)) **ok** @vera"
    response = client.post(
        url("milestone-comment-create", milestone_id=milestone.pk), {"body": body}
    )
    assert response.status_code == 201
    comment = response.json()
    assert comment["body"] == body
    assert "<script" not in comment["html"] and 'href="javascript' not in comment["html"]
    assert "<strong>ok</strong>" in comment["html"]
    edited = client.patch(
        url("comment-update", comment_id=comment["id"]), {"body": "Fixed", "version": 1}
    )
    assert edited.status_code == 200
    assert [r["body"] for r in edited.json()["revisions"]] == [body]
    stale = client.patch(
        url("comment-update", comment_id=comment["id"]), {"body": "X", "version": 1}
    )
    assert stale.status_code == 409


def test_submit_with_deliverables(api_as, milestone) -> None:
    client = api_as("member")
    files = [SimpleUploadedFile(n, PDF, content_type="application/pdf") for n in ("a.pdf", "b.pdf")]
    response = client.client.post(
        url("milestone-submit", milestone_id=milestone.pk),
        {"note": "Both parts", "files": files, "version": milestone.version},
        headers=client.headers,
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "submitted"
    assert DocumentVersion.objects.count() == 2
    rejected = api_as("manager").post(
        url("milestone-transition", milestone_id=milestone.pk), {"status": "rejected"}
    )
    assert rejected.status_code == 422 and "note" in rejected.json()["errors"]

"""Documents: checked names, types and sizes; stored through the storage API under our own
names, never a public URL; new versions keep the old; downloads only to who may see them."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from pactline.collab import services
from pactline.collab.models import Document, DocumentVersion
from pactline.collab.services.documents import document_storage
from pactline.collab.uploads import safe_filename
from pactline.contracts.models import Contract
from pactline.errors import Forbidden, ValidationFailed
from tests.conftest import World
from tests.factories import MilestoneFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


def upload(name: str, content: bytes = PDF, content_type: str = "application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def milestone(contract: Contract, world: World):
    return MilestoneFactory(contract=contract, owner=world.user("member"), title="Design")


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\win.ini", "win.ini"),
        ("/abs/path/report.PDF", "report.pdf"),
        ("<script>alert(1)</script>.pdf", "script.pdf"),
        ('a"b;c.pdf', "a_b_c.pdf"),
        ("   .hidden.pdf", "hidden.pdf"),
        ("..pdf", "pdf"),
        ("CON.pdf", "_CON.pdf"),
        ("na\u0000me\r\n.pdf", "name.pdf"),
        ("Straße Übersicht.pdf", "Straße Übersicht.pdf"),
        ("x" * 300 + ".pdf", "x" * 120 + ".pdf"),
        ("", "file"),
    ],
)
def test_file_names_are_sanitised(given: str, stored: str) -> None:
    assert safe_filename(given) == stored


def test_upload_and_new_versions_keep_the_old(world: World, milestone) -> None:
    member = world.actor("member")
    first = services.upload_document(
        member, milestone.contract, upload("spec.pdf"), milestone=milestone
    )
    second = services.upload_document(
        member, milestone.contract, upload("spec-v2.pdf", PDF + b"%v2"), document=first.document,
        note="fixed typos",
    )  # fmt: skip
    document = Document.objects.get()
    assert document.version_count == 2 and (first.number, second.number) == (1, 2)
    assert second.sha256 == hashlib.sha256(PDF + b"%v2").hexdigest()
    storage = document_storage()
    for version in (first, second):
        assert storage.exists(version.storage_name)
        assert version.storage_name.startswith(f"documents/{world.acme.pk}/")
        assert "spec" not in version.storage_name  # our own names, never the uploader's
    with storage.open(first.storage_name) as f:
        assert f.read() == PDF


def test_files_live_under_the_data_directory_not_a_public_url(world: World, milestone) -> None:
    version = services.upload_document(
        world.actor("member"), milestone.contract, upload("spec.pdf"), milestone=milestone
    )
    path = Path(document_storage().path(version.storage_name))
    assert not str(path).startswith(str(Path(settings.STATIC_ROOT)))
    client = Client()
    client.force_login(world.user("owner"))
    for prefix in ("/", "/media/", "/static/"):  # nothing serves the storage directly
        assert client.get(prefix + version.storage_name).status_code == 404


@pytest.mark.parametrize(
    ("name", "content", "content_type", "problem"),
    [
        ("page.html", b"<html><script>alert(1)</script>", "text/html", "not allowed"),
        ("image.svg", b"<svg onload=alert(1)>", "image/svg+xml", "not allowed"),
        ("run.exe", b"MZ\x90\x00", "application/x-msdownload", "not allowed"),
        ("report.pdf", b"<html><script>alert(1)</script>", "application/pdf", "not a .pdf"),
        ("photo.png", PDF, "image/png", "not a .png"),
        ("notes.txt", b"\x00\x01\x02binary", "text/plain", "not a .txt"),
        ("notes.txt", b"\xff\xfe\xfa not utf-8", "text/plain", "not a .txt"),
        ("report.pdf", PDF, "text/html", "content type text/html is not allowed"),
        ("empty.pdf", b"", "application/pdf", "is empty"),
        ("noextension", PDF, "application/pdf", "not allowed"),
    ],
)
def test_wrong_types_are_refused_and_nothing_is_stored(
    world: World, milestone, name, content, content_type, problem
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        services.upload_document(
            world.actor("member"),
            milestone.contract,
            upload(name, content, content_type),
            milestone=milestone,
        )
    assert problem in " ".join(refused.value.errors["file"])
    assert not Document.objects.exists() and not DocumentVersion.objects.exists()


def test_oversized_uploads_are_refused(world: World, milestone, settings) -> None:
    settings.PACTLINE_MAX_UPLOAD_MB = 0.001  # about 1 KB
    with pytest.raises(ValidationFailed) as refused:
        services.upload_document(
            world.actor("member"),
            milestone.contract,
            upload("big.pdf", PDF + b"0" * 2000),
            milestone=milestone,
        )
    assert "larger than the limit" in refused.value.errors["file"][0]


def test_allowed_types_come_from_settings(world: World, milestone, settings) -> None:
    settings.PACTLINE_ALLOWED_UPLOAD_TYPES = ["png"]
    member = world.actor("member")
    with pytest.raises(ValidationFailed):
        services.upload_document(member, milestone.contract, upload("a.pdf"), milestone=milestone)
    services.upload_document(
        member, milestone.contract, upload("a.png", PNG, "image/png"), milestone=milestone
    )


def test_who_uploads(world: World, milestone) -> None:
    contract = milestone.contract
    with pytest.raises(Forbidden):
        services.upload_document(world.actor("member"), contract, upload("c.pdf"))
    with pytest.raises(Forbidden):
        services.upload_document(
            world.actor("viewer"), contract, upload("c.pdf"), milestone=milestone
        )
    services.upload_document(world.actor("manager"), contract, upload("contract.pdf"))


def test_download_checks_access_and_is_an_attachment(world: World, milestone) -> None:
    version = services.upload_document(
        world.actor("member"), milestone.contract, upload('evil"name.pdf'), milestone=milestone
    )
    client = Client()
    client.force_login(world.user("viewer"))
    response = client.get(reverse("document-download", args=[version.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"] == 'attachment; filename="evil_name.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert "sandbox" in response["Content-Security-Policy"]
    outsider = Client()
    outsider.force_login(world.outsider)
    assert outsider.get(reverse("document-download", args=[version.pk])).status_code == 404


def test_upload_pages(world: World, milestone) -> None:
    client = Client()
    client.force_login(world.user("member"))
    target = reverse("milestone-document-add", args=[milestone.pk])
    response = client.post(target, {"file": upload("spec.pdf"), "kind": "deliverable"})
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.kind == "deliverable" and document.title == "spec.pdf"
    response = client.post(target, {"file": upload("x.html", b"<p>", "text/html"), "kind": "other"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "The file was not stored" in page
    detail = reverse("document-detail", args=[document.pk])
    assert client.post(detail, {"file": upload("spec2.pdf"), "note": "v2"}).status_code == 302
    page = client.get(detail).content.decode()
    assert "spec2.pdf" in page and "spec.pdf" in page


def test_files_go_when_their_milestone_is_deleted(
    world: World, milestone, django_capture_on_commit_callbacks
) -> None:
    version = services.upload_document(
        world.actor("member"), milestone.contract, upload("spec.pdf"), milestone=milestone
    )
    assert document_storage().exists(version.storage_name)
    from pactline.milestones.services import delete_milestone

    with django_capture_on_commit_callbacks(execute=True):
        delete_milestone(world.actor("manager"), milestone)
    assert not document_storage().exists(version.storage_name)

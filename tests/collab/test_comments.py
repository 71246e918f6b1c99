"""Comments: Markdown rendered safely, @mentions that notify (only people who can see the
comment), editing and deleting one's own with every earlier text kept."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from pactline.activity.models import Event
from pactline.collab import services
from pactline.collab.mentions import handles
from pactline.collab.models import Comment, CommentRevision
from pactline.collab.rendering import render_markdown
from pactline.contracts.models import Contract
from pactline.errors import Forbidden, ValidationFailed
from pactline.notifications import outbox
from pactline.notifications.models import Delivery
from tests.conftest import World
from tests.factories import MilestoneFactory

pytestmark = pytest.mark.django_db

HOSTILE = [
    "<script>alert(1)</script>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "![beacon](https://evil.test/pixel.png)",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<iframe src=https://evil.test></iframe>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "[x](vbscript:msgbox(1))",
    "<svg onload=alert(1)>",
]


class Tags(HTMLParser):
    """Every tag and attribute of a fragment, to compare with the allow-list."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))


SAFE_TAGS = {"p", "a", "strong", "em", "code", "pre", "ul", "ol", "li", "blockquote"}


@pytest.mark.parametrize("text", HOSTILE)
def test_nothing_active_survives_rendering(text: str) -> None:
    parser = Tags()
    parser.feed(str(render_markdown(text)))
    for tag, attrs in parser.found:
        assert tag in SAFE_TAGS, (text, tag)
        for name, value in attrs:
            assert name in {"href", "rel", "title"}, (text, name)
            if name == "href":
                assert (value or "").startswith(("http://", "https://", "mailto:")), value


def test_markdown_still_works() -> None:
    html = str(render_markdown("**bold** _it_ `code`\n\n- one\n- two\n\n[site](https://x.test)"))
    assert "<strong>bold</strong>" in html and "<em>it</em>" in html and "<code>code</code>" in html
    assert "<li>one</li>" in html
    assert '<a href="https://x.test" rel="nofollow noopener noreferrer">site</a>' in html


def test_handles_ignore_addresses_and_code() -> None:
    text = "Hi @mike and @Maria.Manager, mail me@acme.test, `@notme` ```\n@nor\n```, @mike again"
    assert handles(text) == ["mike", "maria.manager"]


@pytest.fixture
def milestone(contract: Contract, world: World):
    return MilestoneFactory(contract=contract, owner=world.user("member"), title="Go-live")


def test_a_comment_is_an_event_and_mentions_notify(world: World, milestone) -> None:
    manager = world.actor("manager")
    comment = services.add_comment(
        manager, milestone.contract, "@mike @vera please look", milestone
    )
    assert Event.objects.filter(verb="commented", subject_id=milestone.pk).exists()
    mention = Event.objects.get(verb="mentioned")
    assert set(mention.changes["mentioned_ids"]["after"]) == {
        world.user("member").pk,
        world.user("viewer").pk,
    }
    assert mention.changes["comment_id"]["after"] == comment.pk
    outbox.dispatch()
    told = set(Delivery.objects.filter(event_id=mention.pk).values_list("recipient_id", flat=True))
    assert told == {world.user("member").pk, world.user("viewer").pk}


def test_mentions_skip_people_who_cannot_see_it(world: World, milestone) -> None:
    """The guest cannot see an unshared milestone; rita is of another organisation."""
    world.add_guest()
    manager = world.actor("manager")
    services.add_comment(manager, milestone.contract, "@gus @rita @maria look", milestone)
    assert not Event.objects.filter(verb="mentioned").exists()  # maria is the author


def test_mentions_by_name_and_first_name(world: World, milestone) -> None:
    world.users["member"].name = "Mike Member"
    world.users["member"].save()
    services.add_comment(world.actor("owner"), milestone.contract, "@MikeMember hi", milestone)
    event = Event.objects.get(verb="mentioned")
    assert event.changes["mentioned"]["after"] == ["mike@acme.test"]


def test_edit_keeps_the_old_text_and_only_the_author_edits(world: World, milestone) -> None:
    member = world.actor("member")
    comment = services.add_comment(member, milestone.contract, "First try", milestone)
    with pytest.raises(Forbidden):
        services.edit_comment(world.actor("owner"), comment, "Not yours")
    edited = services.edit_comment(member, comment, "Second try @vera", comment.version)
    assert edited.body == "Second try @vera" and edited.edited_at is not None
    assert list(CommentRevision.objects.values_list("body", flat=True)) == ["First try"]
    assert Event.objects.filter(verb="comment_edited").get().changes["body"] == {
        "before": "First try",
        "after": "Second try @vera",
    }
    assert Event.objects.filter(verb="mentioned").count() == 1  # vera, newly mentioned


def test_delete_keeps_the_text_in_the_history(world: World, milestone) -> None:
    member = world.actor("member")
    comment = services.add_comment(member, milestone.contract, "Oops", milestone)
    with pytest.raises(Forbidden):
        services.delete_comment(world.actor("manager"), comment)
    services.delete_comment(member, comment)
    comment.refresh_from_db()
    assert comment.is_deleted and comment.body == ""
    assert comment.revisions.get().body == "Oops"
    with pytest.raises(Forbidden):
        services.edit_comment(member, comment, "Back")
    other = services.add_comment(member, milestone.contract, "Rude", milestone)
    services.delete_comment(world.actor("admin"), other)  # admins moderate


def test_empty_long_and_nul_bodies_are_refused(world: World, milestone) -> None:
    member = world.actor("member")
    for body in ("", "   ", "x" * 10_001, "a\x00b"):
        with pytest.raises(ValidationFailed):
            services.add_comment(member, milestone.contract, body, milestone)
    assert not Comment.objects.exists()


def test_comment_pages_render_safely(world: World, milestone) -> None:
    client = Client()
    client.force_login(world.user("member"))
    response = client.post(
        reverse("milestone-comment-add", args=[milestone.pk]),
        {"body": "<script>alert(1)</script> [x](javascript:alert(1)) **ok**"},
    )
    assert response.status_code == 302
    page = client.get(reverse("milestone-detail", args=[milestone.pk])).content.decode()
    assert "<script>alert(1)" not in page and 'href="javascript:' not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<strong>ok</strong>" in page
    comment = Comment.objects.get()
    assert client.get(reverse("comment-edit", args=[comment.pk])).status_code == 200
    response = client.post(
        reverse("comment-edit", args=[comment.pk]), {"body": "Better", "version": 1}
    )
    assert response.status_code == 302
    history = client.get(reverse("comment-history", args=[comment.pk])).content.decode()
    assert "Better" in history and "&lt;script&gt;" in history

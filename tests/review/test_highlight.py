"""Cutting the text at quote boundaries: overlapping quotes, anchors, bad offsets."""

from __future__ import annotations

from pactline.review.highlight import pieces
from pactline.review.models import Proposal


def proposal(pk: int, start: int | None, end: int | None) -> Proposal:
    return Proposal(pk=pk, field="effective_date", start=start, end=end)


def shown(text: str, found: list[Proposal]) -> list[tuple[str, bool, list[int]]]:
    return [(p.text, p.marked, p.anchors) for p in pieces(text, found)]


def test_overlapping_quotes_are_cut_where_each_begins_and_ends() -> None:
    found = [proposal(1, 0, 4), proposal(2, 2, 6)]
    assert shown("abcdefgh", found) == [
        ("ab", True, [1]),
        ("cd", True, [2]),
        ("ef", True, []),
        ("gh", False, []),
    ]


def test_equal_quotes_share_one_mark_with_an_anchor_each() -> None:
    [piece] = [p for p in pieces("x May 8 y", [proposal(1, 2, 7), proposal(2, 2, 7)]) if p.marked]
    assert piece.text == "May 8"
    assert piece.mark_id == "quote-1" and piece.extra_anchors == ["quote-2"]


def test_quotes_outside_the_text_or_without_offsets_are_not_marked() -> None:
    found = [proposal(1, None, None), proposal(2, 5, 50), proposal(3, 3, 3)]
    assert shown("short", found) == [("short", False, [])]
    assert pieces("", found) == []

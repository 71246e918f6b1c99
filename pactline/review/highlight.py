"""The contract text cut into pieces for the review page, quotes marked.

Quotes may overlap (the agreement and the effective date often share one), so the text is cut
at every quote's start and end; a piece inside one or more quotes is marked. Each proposal's
anchor (`quote-<id>`) sits where its quote begins. The pieces are plain strings: the template
escapes them, so the contract text is never HTML.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import pairwise

from pactline.review.models import Proposal


@dataclass
class Piece:
    text: str
    marked: bool = False
    anchors: list[int] = field(default_factory=list)  # proposals whose quote starts here
    labels: list[str] = field(default_factory=list)  # what the marked text was proposed as

    @property
    def mark_id(self) -> str:
        return f"quote-{self.anchors[0]}" if self.anchors else ""

    @property
    def extra_anchors(self) -> list[str]:
        return [f"quote-{pk}" for pk in self.anchors[1:]]

    @property
    def title(self) -> str:
        return ", ".join(dict.fromkeys(self.labels))


def has_quote(p: Proposal, length: int) -> bool:
    return p.start is not None and p.end is not None and 0 <= p.start < p.end <= length


def pieces(text: str, proposals: Iterable[Proposal]) -> list[Piece]:
    quoted = [p for p in proposals if has_quote(p, len(text))]
    cuts = sorted({0, len(text), *(p.start for p in quoted), *(p.end for p in quoted)})  # type: ignore[misc]
    out: list[Piece] = []
    for lo, hi in pairwise(cuts):
        covering = [p for p in quoted if p.start <= lo and hi <= p.end]  # type: ignore[operator]
        out.append(
            Piece(
                text=text[lo:hi],
                marked=bool(covering),
                anchors=[p.pk for p in covering if p.start == lo],
                labels=[p.field_label for p in covering],
            )
        )
    return out

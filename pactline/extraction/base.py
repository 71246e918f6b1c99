"""The extension point: anything that reads a contract and proposes values.

The rule-based extractor ships with Pactline; a model-based one (a local language model, a
hosted service) implements the same protocol and is passed to `extract`, which keeps the most
confident proposal per field.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from pactline.extraction.model import Proposal


@runtime_checkable
class Extractor(Protocol):
    """Reads a contract's text and returns proposals; must not modify anything."""

    name: str

    def propose(self, text: str) -> list[Proposal]: ...

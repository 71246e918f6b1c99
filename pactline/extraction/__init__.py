"""Key dates and obligations from a contract's own text, each with the quote it came from.

    from pactline.extraction import extract, read_document
    result = extract(read_document("contract.pdf"))
    result.get(Field.EXPIRATION_DATE)  # Proposal(value=date(...), span=..., trace="...")

Offline, deterministic, rule-based; other extractors plug in through `Extractor`.
"""

from pactline.extraction.base import Extractor
from pactline.extraction.engine import RuleExtractor, extract
from pactline.extraction.model import (
    PERPETUAL,
    Duration,
    Extraction,
    Field,
    Proposal,
    Rule,
    Span,
)
from pactline.extraction.readers import ExtractionError, NoTextLayerError, read_document

__all__ = [
    "PERPETUAL",
    "Duration",
    "Extraction",
    "ExtractionError",
    "Extractor",
    "Field",
    "NoTextLayerError",
    "Proposal",
    "Rule",
    "RuleExtractor",
    "Span",
    "extract",
    "read_document",
]

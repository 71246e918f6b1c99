"""Run extractors over a contract and keep one proposal per field.

`RuleExtractor` is the built-in, offline and deterministic extractor. `extract()` merges the
proposals of any number of extractors (the most confident one wins per key field, obligations
are all kept) and adds the derived "last day to give notice of non-renewal".
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from dateutil.relativedelta import relativedelta

from pactline.extraction.agreement import agreement_date, effective_date
from pactline.extraction.base import Extractor
from pactline.extraction.dates import find_dates
from pactline.extraction.model import KEY_FIELDS, Duration, Extraction, Field, Proposal
from pactline.extraction.obligations import obligations
from pactline.extraction.renewal import notice_period, renewal_term
from pactline.extraction.term import Anchors, expiration, stated_start


class RuleExtractor:
    """Patterns and date parsing over the contract's structure; no model, no network."""

    name = "rules"

    def propose(self, text: str) -> list[Proposal]:
        mentions = find_dates(text)
        agreement = agreement_date(text, mentions)
        effective = effective_date(text, mentions, agreement) or stated_start(text, mentions)
        expires = expiration(text, mentions, Anchors(agreement, effective))
        renewal, renewal_sentences = renewal_term(text)
        notice = notice_period(text, renewal_sentences) if renewal else None
        found = [p for p in (agreement, effective, expires, renewal, notice) if p is not None]
        found.extend(obligations(text, mentions))
        for proposal in found:
            proposal.source = f"{self.name}: {proposal.source}" if proposal.source else self.name
        return found


def notice_deadline(expires: Proposal | None, notice: Proposal | None) -> Proposal | None:
    """expiration - notice period, the last day to say "we will not renew"."""
    if expires is None or notice is None:
        return None
    end, period = expires.value, notice.value
    if not isinstance(end, date) or not isinstance(period, Duration) or expires.redacted:
        return None
    amounts = {"years": "years", "months": "months", "weeks": "weeks"}
    unit = amounts.get(period.unit, "days")
    deadline = end - relativedelta(**{unit: period.amount})  # type: ignore[arg-type]
    return Proposal(
        field=Field.NOTICE_DEADLINE,
        value=deadline,
        span=notice.span,
        confidence=round(min(expires.confidence, notice.confidence) * 0.9, 2),
        source="derived",
        trace=f"notice deadline = expiration {end.isoformat()} - {period}",
    )


def extract(text: str, extractors: Iterable[Extractor] | None = None) -> Extraction:
    """Every extractor's proposals merged: per key field the most confident, ties to the first."""
    result = Extraction(text=text)
    for extractor in extractors if extractors is not None else (RuleExtractor(),):
        for proposal in extractor.propose(text):
            if proposal.field is Field.OBLIGATION:
                result.obligations.append(proposal)
                continue
            current = result.fields.get(proposal.field)
            if current is None or proposal.confidence > current.confidence:
                result.fields[proposal.field] = proposal
    deadline = notice_deadline(
        result.fields.get(Field.EXPIRATION_DATE), result.fields.get(Field.NOTICE_PERIOD)
    )
    if deadline and Field.NOTICE_DEADLINE not in result.fields:
        result.fields[Field.NOTICE_DEADLINE] = deadline
    return result


__all__ = ["KEY_FIELDS", "RuleExtractor", "extract", "notice_deadline"]

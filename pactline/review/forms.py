"""Forms of the review pages. They only read input; `review.services` decides and writes."""

from __future__ import annotations

from typing import Any

from django import forms

from pactline.extraction.model import Field
from pactline.review.models import Proposal
from pactline.review.reading import ACCEPT
from pactline.review.values import EDIT_HELP, MAX_EDIT_CHARS
from pactline.web.forms import DomainForm


class ExtractForm(DomainForm):
    what = "contract text"

    file = forms.FileField(
        label="Contract file",
        required=False,
        help_text="TXT, DOCX, or PDF with a text layer (a scanned PDF needs OCR first).",
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )
    text = forms.CharField(
        label="Or paste the contract's text",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("file") and (cleaned.get("text") or "").strip():
            self.add_error("text", "Choose a file or paste the text, not both.")
        elif not cleaned.get("file") and not (cleaned.get("text") or "").strip():
            self.add_error("file", "Choose a file or paste the contract's text.")
        return cleaned


class AcceptForm(DomainForm):
    """Accept as proposed (empty value) or with a corrected value."""

    what = "proposal"

    value = forms.CharField(label="Corrected value", required=False, max_length=MAX_EDIT_CHARS)

    def __init__(self, proposal: Proposal, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"p{proposal.pk}_%s")
        super().__init__(*args, **kwargs)
        self.fields["value"].help_text = f"Enter {EDIT_HELP[Field(proposal.field)]}."


class RejectForm(DomainForm):
    what = "proposal"

    reason = forms.CharField(label="Why (optional)", required=False, max_length=500)

    def __init__(self, proposal: Proposal, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"r{proposal.pk}_%s")
        super().__init__(*args, **kwargs)

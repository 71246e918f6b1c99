"""Review of dates found in a contract's own text: a person accepts, edits or rejects each
proposal of `pactline.extraction` before it becomes a contract date or a milestone."""

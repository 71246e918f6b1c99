"""Spreadsheet and project-plan import: `plan_import` (the dry run) and `commit_import`.

preview = plan_import(actor, file, ImportOptions(date_order="dmy"))
if preview.committable:
    commit_import(actor, preview)
"""

from pactline.transfer.importing.commit import commit_import
from pactline.transfer.importing.mapping import FIELDS, suggest_mapping
from pactline.transfer.importing.plan import plan_import
from pactline.transfer.importing.types import (
    CommitResult,
    ImportOptions,
    ImportProblems,
    Preview,
    Problem,
)

__all__ = [
    "FIELDS",
    "CommitResult",
    "ImportOptions",
    "ImportProblems",
    "Preview",
    "Problem",
    "commit_import",
    "plan_import",
    "suggest_mapping",
]

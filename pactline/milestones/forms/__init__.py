"""Web forms for milestones, their schedule, checklists, status changes and templates.

They shape input; the services decide. Split by subject; callers import this package.
"""

from pactline.milestones.forms.common import lines, plain
from pactline.milestones.forms.milestone import (
    ChecklistItemForm,
    MilestoneForm,
    StatusForm,
)
from pactline.milestones.forms.schedule import (
    DependencyForm,
    SeriesForm,
    WhatIfApplyForm,
    encode_proposal,
    rule_label,
)
from pactline.milestones.forms.templates import (
    ApplyTemplateForm,
    SaveTemplateForm,
    TemplateForm,
    TemplateItemForm,
    item_formset,
    item_initial,
    with_extra_row,
)

__all__ = [
    "ApplyTemplateForm",
    "ChecklistItemForm",
    "DependencyForm",
    "MilestoneForm",
    "SaveTemplateForm",
    "SeriesForm",
    "StatusForm",
    "TemplateForm",
    "TemplateItemForm",
    "WhatIfApplyForm",
    "encode_proposal",
    "item_formset",
    "item_initial",
    "lines",
    "plain",
    "rule_label",
    "with_extra_row",
]

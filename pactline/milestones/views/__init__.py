"""Web pages for milestones, their schedule, checklists and status, and milestone templates.

Reads go through permissions.visible_*, writes through milestones.services with the request's
Actor. One module per subject; pactline.web.urls imports the views from this package.
"""

from pactline.milestones.views.checklist import checklist_add, checklist_delete, checklist_toggle
from pactline.milestones.views.dependencies import dependency_add, dependency_remove
from pactline.milestones.views.detail import milestone_detail, milestone_status
from pactline.milestones.views.milestones import (
    milestone_create,
    milestone_delete,
    milestone_edit,
    milestone_move,
)
from pactline.milestones.views.series import series_create
from pactline.milestones.views.templates import (
    contract_apply_template,
    contract_save_template,
    template_create,
    template_delete,
    template_detail,
    template_duplicate,
    template_edit,
    template_list,
)
from pactline.milestones.views.whatif import (
    contract_what_if,
    contract_what_if_apply,
    milestone_what_if,
    milestone_what_if_apply,
)

__all__ = [
    "checklist_add",
    "checklist_delete",
    "checklist_toggle",
    "contract_apply_template",
    "contract_save_template",
    "contract_what_if",
    "contract_what_if_apply",
    "dependency_add",
    "dependency_remove",
    "milestone_create",
    "milestone_delete",
    "milestone_detail",
    "milestone_edit",
    "milestone_move",
    "milestone_status",
    "milestone_what_if",
    "milestone_what_if_apply",
    "series_create",
    "template_create",
    "template_delete",
    "template_detail",
    "template_duplicate",
    "template_edit",
    "template_list",
]

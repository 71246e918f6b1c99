"""Operations on milestones, checklists, templates, dependencies and recurring series.

Every write goes through here. The package splits by concern; callers import this package.
"""

from pactline.milestones.services.checklist import (
    add_checklist_item,
    delete_checklist_item,
    move,
    reorder,
    set_checklist_item,
)
from pactline.milestones.services.common import (
    MILESTONE_FIELDS,
    calendar_for,
    contract_today,
    snapshot,
)
from pactline.milestones.services.milestones import (
    add_dependency,
    create_milestone,
    delete_milestone,
    recompute_contract,
    remove_dependency,
    update_milestone,
)
from pactline.milestones.services.schedule import recompute, recompute_organisation
from pactline.milestones.services.series import create_series, edit_occurrence, extend_all
from pactline.milestones.services.status import (
    TRANSITIONS,
    allowed_transitions,
    check_transition,
    transition,
)
from pactline.milestones.services.templates import (
    apply_template,
    create_template,
    delete_template,
    duplicate_template,
    preview_template,
    template_from_contract,
    template_snapshot,
    update_template,
)
from pactline.milestones.services.types import create_type, delete_type, update_type
from pactline.milestones.services.whatif import Preview, apply, basis_of, preview

__all__ = [
    "MILESTONE_FIELDS",
    "TRANSITIONS",
    "Preview",
    "add_checklist_item",
    "add_dependency",
    "allowed_transitions",
    "apply",
    "apply_template",
    "basis_of",
    "calendar_for",
    "check_transition",
    "contract_today",
    "create_milestone",
    "create_series",
    "create_template",
    "create_type",
    "delete_checklist_item",
    "delete_milestone",
    "delete_template",
    "delete_type",
    "duplicate_template",
    "edit_occurrence",
    "extend_all",
    "move",
    "preview",
    "preview_template",
    "recompute",
    "recompute_contract",
    "recompute_organisation",
    "remove_dependency",
    "reorder",
    "set_checklist_item",
    "snapshot",
    "template_from_contract",
    "template_snapshot",
    "transition",
    "update_milestone",
    "update_template",
    "update_type",
]

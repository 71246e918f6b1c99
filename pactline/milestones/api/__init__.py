"""REST API for milestones and everything around them, one module per resource.

`milestones` gathers milestones, checklists, dependencies, what-if and recurring series;
`templates` serves milestone templates. pactline.api mounts both under /api/v1/.
"""

from ninja import Router

from pactline.milestones.api import checklist, dependencies, series, whatif
from pactline.milestones.api import milestones as milestone_routes
from pactline.milestones.api.templates import router as templates
from pactline.milestones.api.types import router as milestone_types

milestones = Router()
for child in (
    milestone_routes.router,
    checklist.router,
    dependencies.router,
    whatif.router,
    series.router,
    milestone_types,
):
    milestones.add_router("", child)

__all__ = ["milestones", "templates"]

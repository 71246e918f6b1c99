from django.http import HttpRequest

from pactline.accounts import permissions
from pactline.accounts.terminology import Terms, terms_of


def organisation(request: HttpRequest) -> dict[str, object]:
    actor = getattr(request, "actor", None)
    if actor is None:
        return {"actor": None, "terms": Terms()}
    return {
        "actor": actor,
        "organisation": actor.organisation,
        # the organisation's words for Milestone, Contract, Party (pactline.accounts.terminology)
        "terms": terms_of(actor.organisation),
        "can": {
            "manage_contracts": permissions.can_manage_contracts(actor),
            "manage_parties": permissions.can_manage_parties(actor),
            "manage_templates": permissions.can_manage_templates(actor),
            "manage_members": permissions.can_manage_members(actor),
            "customise": permissions.can_customise_organisation(actor),
            "view_audit": permissions.can_view_audit(actor),
            "use_api_tokens": permissions.can_use_api_tokens(actor),
        },
    }

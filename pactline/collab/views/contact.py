"""The page a contact reaches through a signed link: no account, one milestone, one purpose.
Unknown, expired and revoked links all answer the same 404."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from pactline.accounts.terminology import terms_of
from pactline.collab import services
from pactline.collab.forms import DecisionForm, SubmitForm
from pactline.collab.models import ContactLink, LinkPurpose
from pactline.errors import Conflict, Forbidden, ValidationFailed
from pactline.milestones import services as milestone_services
from pactline.milestones.models import MilestoneStatus
from pactline.ops.throttle import failures_limited, refused
from pactline.web.forms import submit

S = MilestoneStatus


def _can_act(link: ContactLink) -> bool:
    status = link.milestone.status
    if link.purpose == LinkPurpose.SUBMIT:
        return status in (S.IN_PROGRESS, S.REJECTED) and link.milestone.approver_id is not None
    return status == S.SUBMITTED


def _act(request: HttpRequest, link: ContactLink, form: SubmitForm | DecisionForm) -> Any:
    actor = services.link_actor(link)
    m = link.milestone
    d = form.cleaned_data
    if isinstance(form, SubmitForm):
        return submit(form, lambda: services.submit_for_acceptance(actor, m, d["note"], d["files"]))
    if d["decision"] == S.REJECTED and not d["note"].strip():
        form.add_error("note", "A rejection needs a reason.")
        form.status = 422
        return None
    return submit(
        form, lambda: milestone_services.transition(actor, m, d["decision"], note=d["note"])
    )


@never_cache
@failures_limited("link", refused)
@csrf_protect
def contact_link(request: HttpRequest, token: str) -> HttpResponse:
    link = services.find_link(token)
    if link is None:
        raise Http404("link not found")
    form_class = SubmitForm if link.purpose == LinkPurpose.SUBMIT else DecisionForm
    data = request.POST if request.method == "POST" else None
    form = form_class(data, request.FILES or None, initial={"version": link.milestone.version})
    done = None
    if request.method == "POST" and _can_act(link) and form.validated():
        try:
            done = _act(request, link, form)
        except (Forbidden, Conflict, ValidationFailed) as exc:
            form.add_error(None, exc.message)
            form.status = 422
        if done is not None:
            services.use_link(link)
    context = {
        "link": link,
        "milestone": link.milestone,
        "contract": link.milestone.contract,
        "form": form,
        "can_act": _can_act(link),
        "done": done,
        "documents": link.milestone.documents.prefetch_related("versions"),
        "link_token": token,
        "terms": terms_of(link.organisation),  # no member signed in: the sender's words
    }
    return render(request, "collab/contact_link.html", context, status=form.status)


@never_cache
@failures_limited("link", refused)
def contact_link_download(request: HttpRequest, token: str, pk: int) -> HttpResponse:
    """A document of the link's milestone, for the contact deciding on it."""
    from pactline.collab.models import DocumentVersion
    from pactline.collab.views.documents import attachment

    link = services.find_link(token)
    version = (
        DocumentVersion.objects.filter(pk=pk, document__milestone_id=link.milestone_id).first()
        if link is not None
        else None
    )
    if version is None:
        raise Http404("document not found")
    return attachment(version)

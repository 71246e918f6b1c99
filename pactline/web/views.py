"""Sign in and out, the home page, and switching the current organisation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST

from pactline.accounts import twofactor
from pactline.accounts.middleware import SESSION_KEY
from pactline.accounts.models import Membership
from pactline.accounts.views.twofactor import start_second_step
from pactline.ops.throttle import failures_limited, sign_in_failed
from pactline.web.forms import OrganisationSwitchForm, SignInForm


@method_decorator(failures_limited("sign-in", sign_in_failed), name="dispatch")
class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: SignInForm) -> HttpResponse:  # type: ignore[override]
        user = form.get_user()
        if twofactor.is_enabled(user):  # the password was right; the code comes next
            start_second_step(
                self.request, user, bool(form.cleaned_data.get("remember")), self.get_success_url()
            )
            return redirect("login-verify")
        response = super().form_valid(form)
        # Without "keep me signed in" the session ends when the browser closes; with it, it
        # lasts SESSION_COOKIE_AGE.
        self.request.session.set_expiry(None if form.cleaned_data.get("remember") else 0)
        return response


class SignOutView(auth_views.LogoutView):
    """POST only (Django's LogoutView refuses GET), then back to the sign-in page."""

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        messages.info(request, "You have signed out.")
        return response


def home(request: HttpRequest) -> HttpResponse:
    """The home page is the dashboard (pactline.reports); the contracts are at /contracts/."""
    actor = getattr(request, "actor", None)
    if actor is not None and actor.is_guest:
        return redirect("contract-list")  # a guest's portal is their contracts
    from pactline.reports.views import dashboard_view

    return dashboard_view(request)


@login_required
@require_POST
def switch_organisation(request: HttpRequest) -> HttpResponse:
    form = OrganisationSwitchForm(request.POST)
    membership = None
    if form.is_valid():
        membership = (
            Membership.objects.select_related("organisation")
            .filter(user=request.user, organisation_id=form.cleaned_data["organisation"])
            .first()
        )
    if membership is None:
        messages.error(request, "You are not a member of that organisation.")
        return redirect("contract-list")
    request.session[SESSION_KEY] = membership.organisation_id
    messages.success(request, f"You are now working in {membership.organisation.name}.")
    # Object pages of the previous organisation would be 404s here: start from the list.
    return redirect("contract-list")

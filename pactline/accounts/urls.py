"""Web pages of accounts (mounted at the site root by pactline.urls)."""

from django.urls import path

from pactline.accounts.views import (
    access,
    invitations,
    members,
    signin,
    terminology,
    tokens,
    twofactor,
)

urlpatterns = [
    path("contracts/<int:pk>/access/", access.contract_access, name="contract-access"),
    path("contracts/<int:pk>/members/", access.contract_member_add, name="contract-member-add"),
    path(
        "contracts/<int:pk>/members/<int:user_id>/remove/",
        access.contract_member_remove,
        name="contract-member-remove",
    ),
    path("settings/members/", members.member_list, name="member-list"),
    path("settings/terminology/", terminology.terminology, name="terminology"),
    path(
        "settings/invitations/<int:pk>/revoke/",
        members.invitation_revoke,
        name="invitation-revoke",
    ),
    path("invitations/<str:token>/", invitations.invitation_accept, name="invitation-accept"),
    path("settings/tokens/", tokens.token_list, name="token-list"),
    path("settings/tokens/<int:pk>/revoke/", tokens.token_revoke, name="token-revoke"),
    path("settings/two-factor/", twofactor.two_factor, name="two-factor"),
    path("login/code/", twofactor.login_verify, name="login-verify"),
    # password reset by e-mail (public)
    path("password-reset/", signin.PasswordResetView.as_view(), name="password-reset"),
    path(
        "password-reset/sent/",
        signin.PasswordResetDoneView.as_view(),
        name="password-reset-done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        signin.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path(
        "password-reset/done/",
        signin.PasswordResetCompleteView.as_view(),
        name="password-reset-complete",
    ),
]

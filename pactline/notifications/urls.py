"""Web pages of reminders and notifications (mounted at the site root by pactline.urls)."""

from django.urls import path

from pactline.notifications.views import admin, inbox, links, objects

urlpatterns = [
    path("notifications/", inbox.inbox, name="notification-inbox"),
    path("notifications/unread/", inbox.unread_count, name="notification-unread"),
    path("notifications/<int:pk>/read/", inbox.read, name="notification-read"),
    path("notifications/read-all/", inbox.read_all, name="notification-read-all"),
    path("notifications/preferences/", inbox.preferences, name="notification-preferences"),
    # organisation settings (admins)
    path("settings/reminders/", admin.organisation_policy, name="reminder-policy-org"),
    path("settings/integrations/", admin.subscription_list, name="webhook-list"),
    path("settings/integrations/new/", admin.subscription_create, name="webhook-create"),
    path("settings/integrations/<int:pk>/", admin.subscription_detail, name="webhook-detail"),
    path("settings/integrations/<int:pk>/edit/", admin.subscription_edit, name="webhook-edit"),
    path(
        "settings/integrations/<int:pk>/delete/", admin.subscription_delete, name="webhook-delete"
    ),
    path("settings/integrations/<int:pk>/ping/", admin.subscription_ping, name="webhook-ping"),
    path(
        "settings/integrations/<int:pk>/secret/", admin.subscription_rotate, name="webhook-rotate"
    ),
    path("deliveries/<int:pk>/redeliver/", admin.redeliver, name="delivery-redeliver"),
    path("settings/mail/", admin.mail_list, name="sent-mail-list"),
    path("settings/mail/<str:name>/", admin.mail_detail, name="sent-mail-detail"),
    # one contract or milestone
    path("contracts/<int:pk>/reminders/", objects.contract_reminders, name="contract-reminders"),
    path(
        "contracts/<int:pk>/reminders/clear/",
        objects.contract_reminders_clear,
        name="contract-reminders-clear",
    ),
    path("contracts/<int:pk>/notice/", objects.contract_notice, name="contract-notice"),
    path("contracts/<int:pk>/watch/", objects.contract_watch, name="contract-watch"),
    path("milestones/<int:pk>/reminders/", objects.milestone_reminders, name="milestone-reminders"),
    path(
        "milestones/<int:pk>/reminders/clear/",
        objects.milestone_reminders_clear,
        name="milestone-reminders-clear",
    ),
    path("milestones/<int:pk>/watch/", objects.milestone_watch, name="milestone-watch"),
    path("milestones/<int:pk>/snooze/", objects.milestone_snooze, name="milestone-snooze"),
    path(
        "milestones/<int:pk>/acknowledge/",
        objects.milestone_acknowledge,
        name="milestone-acknowledge",
    ),
    # signed e-mail links (the token is the credential)
    path("l/<str:token>/", links.link_action, name="link-action"),
]

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "pactline.notifications"
    label = "notifications"
    verbose_name = "Reminders and notifications"

    def ready(self) -> None:
        # Each channel package registers itself when imported: adding one is adding a package.
        from pactline.activity.signals import events_recorded
        from pactline.notifications import checks, outgoing  # noqa: F401 (checks register)
        from pactline.notifications.channels import registry

        registry.discover()
        events_recorded.connect(outgoing.on_events_recorded, dispatch_uid="notifications-outbox")

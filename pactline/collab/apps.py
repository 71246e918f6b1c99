from django.apps import AppConfig


class CollabConfig(AppConfig):
    name = "pactline.collab"
    label = "collab"
    verbose_name = "Collaboration"

    def ready(self) -> None:
        from pactline.collab import signals  # noqa: F401 - connects the receivers

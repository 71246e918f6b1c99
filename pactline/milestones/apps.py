from django.apps import AppConfig


class MilestonesConfig(AppConfig):
    name = "pactline.milestones"
    label = "milestones"
    verbose_name = "Milestones"

    def ready(self) -> None:
        from pactline.milestones import signals  # noqa: F401 (connects the receivers)

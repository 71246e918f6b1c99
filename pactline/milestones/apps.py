from django.apps import AppConfig


class MilestonesConfig(AppConfig):
    name = "pactline.milestones"
    label = "milestones"
    verbose_name = "Milestones"

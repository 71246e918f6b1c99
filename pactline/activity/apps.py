from django.apps import AppConfig


class ActivityConfig(AppConfig):
    name = "pactline.activity"
    label = "activity"
    verbose_name = "Activity"

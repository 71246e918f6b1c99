from django.apps import AppConfig


class CollabConfig(AppConfig):
    name = "pactline.collab"
    label = "collab"
    verbose_name = "Collaboration"

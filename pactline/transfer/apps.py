from django.apps import AppConfig


class TransferConfig(AppConfig):
    name = "pactline.transfer"
    label = "transfer"
    verbose_name = "Import, export and feeds"

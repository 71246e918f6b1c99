from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "pactline.contracts"
    label = "contracts"
    verbose_name = "Contracts"

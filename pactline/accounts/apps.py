from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "pactline.accounts"
    label = "accounts"
    verbose_name = "Accounts"

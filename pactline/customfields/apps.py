from django.apps import AppConfig


class CustomFieldsConfig(AppConfig):
    name = "pactline.customfields"
    label = "customfields"
    verbose_name = "Custom fields"

from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "pactline.web"
    label = "web"
    verbose_name = "Web"

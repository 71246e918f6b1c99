from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "pactline.web"
    label = "web"
    verbose_name = "Web"

    def ready(self) -> None:
        from pactline import checks  # noqa: F401  (registers the deploy checks)

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "pactline.reports"
    label = "reports"
    verbose_name = "Reports and money"

    def ready(self) -> None:
        from pactline.reports import penalties

        penalties.connect()

from django.apps import AppConfig


class SavedViewsConfig(AppConfig):
    name = "pactline.savedviews"
    label = "savedviews"
    verbose_name = "Saved views of lists"

    def ready(self) -> None:
        from pactline.savedviews import customcolumns
        from pactline.savedviews.columns import register_columns

        register_columns("contracts", customcolumns.contract_columns)
        register_columns("milestones", customcolumns.milestone_columns)
        register_columns("parties", customcolumns.party_columns)

from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "pactline.review"
    label = "review"
    verbose_name = "Extraction review"

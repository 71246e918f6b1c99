import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [("accounts", "0001_initial")]

    operations = [
        migrations.CreateModel(
            name="CustomField",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "object_type",
                    models.CharField(
                        choices=[
                            ("contract", "Contract"),
                            ("milestone", "Milestone"),
                            ("party", "Party"),
                        ],
                        max_length=16,
                    ),
                ),
                ("key", models.CharField(max_length=50)),
                ("label", models.CharField(max_length=100)),
                ("help_text", models.CharField(blank=True, max_length=300)),
                (
                    "field_type",
                    models.CharField(
                        choices=[
                            ("text", "Text"),
                            ("long_text", "Long text"),
                            ("number", "Number"),
                            ("money", "Money (amount and currency)"),
                            ("date", "Date"),
                            ("boolean", "Yes / no"),
                            ("choice", "Single choice"),
                            ("multi_choice", "Multiple choice"),
                            ("user", "Member of the organisation"),
                            ("url", "Web address (URL)"),
                        ],
                        max_length=16,
                    ),
                ),
                ("required", models.BooleanField(default=False)),
                ("default", models.JSONField(blank=True, null=True)),
                ("choices", models.JSONField(blank=True, default=list)),
                ("min_value", models.CharField(blank=True, max_length=40)),
                ("max_value", models.CharField(blank=True, max_length=40)),
                ("regex", models.CharField(blank=True, max_length=300)),
                ("position", models.PositiveIntegerField(default=0)),
                ("hidden_from_guests", models.BooleanField(default=False)),
                ("remind_days_before", models.PositiveSmallIntegerField(blank=True, null=True)),
                ("version", models.PositiveIntegerField(default=1)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("updated_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="accounts.organisation",
                    ),
                ),
            ],
            options={
                "ordering": ["object_type", "position", "pk"],
                "indexes": [
                    models.Index(
                        fields=["organisation", "object_type", "position"], name="cf_org_type"
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("organisation", "object_type", "key"),
                        name="uniq_custom_field_key",
                    )
                ],
            },
        ),
    ]

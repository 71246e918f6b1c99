from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("contracts", "0008_restricted_remnants")]

    operations = [
        migrations.AddField(
            model_name="contract",
            name="custom_fields",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AddField(
            model_name="party",
            name="custom_fields",
            field=models.JSONField(blank=True, default=dict),
        ),
    ]

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("milestones", "0010_milestone_types")]

    operations = [
        migrations.AddField(
            model_name="milestone",
            name="custom_fields",
            field=models.JSONField(blank=True, default=dict),
        ),
    ]

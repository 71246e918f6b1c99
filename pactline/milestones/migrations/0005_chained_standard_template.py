from django.db import migrations

from pactline.milestones.builtin import install


def forwards(apps, schema_editor):
    install(
        apps.get_model("milestones", "MilestoneTemplate"),
        apps.get_model("milestones", "TemplateItem"),
        apps.get_model("milestones", "TemplateChecklistItem"),
    )


class Migration(migrations.Migration):
    dependencies = [("milestones", "0004_deadline_engine")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

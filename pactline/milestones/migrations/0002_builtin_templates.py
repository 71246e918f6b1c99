from django.db import migrations


class Migration(migrations.Migration):
    """Installed the first built-in templates; 0005 installs the current ones (the install
    function follows today's models, so it cannot run against this migration's state)."""

    dependencies = [("milestones", "0001_initial")]

    operations: list = []

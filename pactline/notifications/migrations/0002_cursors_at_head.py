"""Organisations that existed before notifications start reading their event log at its head:
their history is not replayed as a flood of notifications and webhooks."""

from django.db import migrations


def forwards(apps, schema_editor):
    Organisation = apps.get_model("accounts", "Organisation")
    OutboxCursor = apps.get_model("notifications", "OutboxCursor")
    OutboxCursor.objects.bulk_create(
        [
            OutboxCursor(organisation_id=pk, last_seq=seq)
            for pk, seq in Organisation.objects.values_list("pk", "audit_seq")
        ],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("accounts", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

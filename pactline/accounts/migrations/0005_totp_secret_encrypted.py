"""TOTP secrets are encrypted at rest (accounts.crypto): widen the column, encrypt what is
there, and rename it so nothing reads ciphertext as a secret by mistake."""

from django.db import migrations, models


def encrypt_existing(apps, schema_editor):
    from pactline.accounts.crypto import encrypt

    TotpDevice = apps.get_model("accounts", "TotpDevice")
    for device in TotpDevice.objects.all().only("pk", "secret"):
        TotpDevice.objects.filter(pk=device.pk).update(secret=encrypt(device.secret))


def decrypt_existing(apps, schema_editor):
    from pactline.accounts.crypto import decrypt

    TotpDevice = apps.get_model("accounts", "TotpDevice")
    for device in TotpDevice.objects.all().only("pk", "secret"):
        TotpDevice.objects.filter(pk=device.pk).update(secret=decrypt(device.secret))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_organisation_terminology")]

    operations = [
        migrations.AlterField(
            model_name="totpdevice", name="secret", field=models.CharField(max_length=255)
        ),
        migrations.RunPython(encrypt_existing, decrypt_existing),
        migrations.RenameField(
            model_name="totpdevice", old_name="secret", new_name="encrypted_secret"
        ),
    ]

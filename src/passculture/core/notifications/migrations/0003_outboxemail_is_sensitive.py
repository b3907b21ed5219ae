from django.db import migrations, models

# Frozen copies: a migration must not follow later changes of the code.
SENSITIVE_KIND_PREFIX = "account_"
REDACTED_BODY = "(contenu effacé après l'envoi : ce message contenait un lien de connexion)"


def flag_and_redact_account_emails(apps, schema_editor):
    """Account links queued before the flag existed: flag them, and wipe those already delivered."""
    OutboxEmail = apps.get_model("notifications", "OutboxEmail")
    account_emails = OutboxEmail.objects.filter(kind__startswith=SENSITIVE_KIND_PREFIX)
    account_emails.update(is_sensitive=True)
    account_emails.filter(status__in=["SENT", "FAILED"]).update(text_body=REDACTED_BODY, html_body="")


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0002_outboxemail_attachments"),
    ]

    operations = [
        migrations.AddField(
            model_name="outboxemail",
            name="is_sensitive",
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(flag_and_redact_account_emails, migrations.RunPython.noop),
    ]

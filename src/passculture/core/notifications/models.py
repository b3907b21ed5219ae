from django.db import models

# Kinds that carry a sign-in link: hidden from staff even on rows queued before `is_sensitive` existed.
SENSITIVE_KIND_PREFIX = "account_"
# What stays of a sensitive email's bodies once it left the outbox (sent or given up).
REDACTED_BODY = "(contenu effacé après l'envoi : ce message contenait un lien de connexion)"


class EmailStatus(models.TextChoices):
    PENDING = "PENDING", "À envoyer"
    SENT = "SENT", "Envoyé"
    FAILED = "FAILED", "Échec définitif"


class OutboxEmail(models.Model):
    """An email queued in the same transaction as the change that causes it, delivered later."""

    kind = models.CharField(max_length=64, db_index=True)
    to = models.JSONField(default=list)
    reply_to = models.JSONField(default=list, blank=True)
    from_email = models.CharField(max_length=255, blank=True)
    subject = models.CharField(max_length=255)
    text_body = models.TextField()
    html_body = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    # Inline images (the QR code): [{"filename", "content_type", "content_id", "content_b64"}].
    # Stored with the message so that a retry days later sends exactly what was queued.
    attachments = models.JSONField(default=list, blank=True)
    status = models.CharField(
        max_length=16, choices=EmailStatus.choices, default=EmailStatus.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(db_index=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    related_type = models.CharField(max_length=64, blank=True)
    related_id = models.CharField(max_length=64, blank=True)
    # Set by the builder of an email that carries a sign-in link: its bodies are redacted once it is
    # sent or has failed for good, and the back office never shows them.
    is_sensitive = models.BooleanField(default=False)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.kind} -> {', '.join(self.to)} ({self.status})"

    @property
    def hides_body(self) -> bool:
        return self.is_sensitive or self.kind.startswith(SENSITIVE_KIND_PREFIX)

from django.db import models


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

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.kind} -> {', '.join(self.to)} ({self.status})"

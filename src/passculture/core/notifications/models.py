from django.db import models

# Kinds that carry a sign-in link: hidden from staff even on rows queued before `is_sensitive` existed.
SENSITIVE_KIND_PREFIX = "account_"
# What stays of a sensitive email's bodies once it left the outbox (sent or given up).
REDACTED_BODY = "(contenu effacé après l'envoi : ce message contenait un lien de connexion)"


class EmailStatus(models.TextChoices):
    PENDING = "PENDING", "À envoyer"
    SENT = "SENT", "Envoyé"
    FAILED = "FAILED", "Échec définitif"


class Delivery(models.Model):
    """What an outbox row (email or push) records of its delivery: claimed by a conditional UPDATE of
    `attempts` and `next_attempt_at`, retried with backoff, and what it is about."""

    status = models.CharField(
        max_length=16,
        choices=EmailStatus.choices,
        default=EmailStatus.PENDING,
        db_index=True,
        verbose_name="état",
    )
    attempts = models.PositiveSmallIntegerField(default=0, verbose_name="tentatives")
    next_attempt_at = models.DateTimeField(db_index=True, verbose_name="prochaine tentative le")
    last_error = models.TextField(blank=True, verbose_name="dernière erreur")
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="créé le")
    sent_at = models.DateTimeField(null=True, blank=True, verbose_name="envoyé le")
    related_type = models.CharField(max_length=64, blank=True, verbose_name="type de l'objet lié")
    related_id = models.CharField(max_length=64, blank=True, verbose_name="identifiant de l'objet lié")

    class Meta:
        abstract = True


class OutboxEmail(Delivery):
    """An email queued in the same transaction as the change that causes it, delivered later."""

    kind = models.CharField(max_length=64, db_index=True, verbose_name="type")
    to = models.JSONField(default=list, verbose_name="destinataires")
    reply_to = models.JSONField(default=list, blank=True, verbose_name="répondre à")
    from_email = models.CharField(max_length=255, blank=True, verbose_name="expéditeur")
    subject = models.CharField(max_length=255, verbose_name="objet")
    text_body = models.TextField(verbose_name="texte")
    html_body = models.TextField(blank=True, verbose_name="HTML")
    headers = models.JSONField(default=dict, blank=True, verbose_name="en-têtes")
    # Inline images (the QR code): [{"filename", "content_type", "content_id", "content_b64"}].
    # Stored with the message so that a retry days later sends exactly what was queued.
    attachments = models.JSONField(default=list, blank=True, verbose_name="pièces jointes")
    # Set by the builder of an email that carries a sign-in link: its bodies are redacted once it is
    # sent or has failed for good, and the back office never shows them.
    is_sensitive = models.BooleanField(default=False, verbose_name="contenu sensible")

    class Meta:
        verbose_name = "e-mail sortant"
        verbose_name_plural = "e-mails sortants"
        ordering = ["id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.kind} → {', '.join(self.to)} ({self.get_status_display()})"

    @property
    def hides_body(self) -> bool:
        return self.is_sensitive or self.kind.startswith(SENSITIVE_KIND_PREFIX)


# --- Web push (decision 0032) ----------------------------------------------------------------------

# Push services' endpoints are a few hundred characters (FCM, Mozilla autopush, Apple, Windows).
PUSH_ENDPOINT_MAX_LENGTH = 1024
# base64url without padding of a P-256 public point (65 bytes) and of the 16-byte auth secret.
P256DH_LENGTH = 87
AUTH_LENGTH = 22


class PushSubscription(models.Model):
    """One browser (device) where a person accepted notifications: what `PushManager.subscribe` gave."""

    user = models.ForeignKey(
        "users.User",
        on_delete=models.CASCADE,
        related_name="push_subscriptions",
        verbose_name="personne",
    )
    endpoint = models.URLField(max_length=PUSH_ENDPOINT_MAX_LENGTH, unique=True, verbose_name="adresse")
    p256dh = models.CharField(max_length=P256DH_LENGTH, verbose_name="clé publique (p256dh)")
    auth = models.CharField(max_length=AUTH_LENGTH, verbose_name="secret (auth)")
    # A coarse label ("Chrome sur Android"), never the whole User-Agent header.
    user_agent = models.CharField(max_length=64, blank=True, verbose_name="appareil")
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="créé le")
    last_success_at = models.DateTimeField(null=True, blank=True, verbose_name="dernier envoi réussi le")

    class Meta:
        verbose_name = "abonnement aux notifications"
        verbose_name_plural = "abonnements aux notifications"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.user_agent or 'appareil'}"


class OutboxPush(Delivery):
    """One notification for one subscription, queued in the transaction that causes it, delivered later
    with retries like OutboxEmail. The subscription may be removed meanwhile (the push service answered
    404 or 410): the row stays, FAILED, as the record of what was not delivered."""

    subscription = models.ForeignKey(
        PushSubscription,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="pushes",
        verbose_name="abonnement",
    )
    user = models.ForeignKey(
        "users.User", on_delete=models.CASCADE, related_name="outbox_pushes", verbose_name="personne"
    )
    kind = models.CharField(max_length=64, db_index=True, verbose_name="type")
    topic = models.CharField(max_length=32, blank=True, verbose_name="thème")
    title = models.CharField(max_length=120, verbose_name="titre")
    body = models.CharField(max_length=400, verbose_name="texte")
    url = models.CharField(max_length=300, verbose_name="lien")
    tag = models.CharField(max_length=64, blank=True, verbose_name="étiquette")

    class Meta:
        verbose_name = "notification sortante"
        verbose_name_plural = "notifications sortantes"
        ordering = ["id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="notif_push_due_idx")]

    def __str__(self) -> str:
        return f"{self.kind} ({self.get_status_display()})"

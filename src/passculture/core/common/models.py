from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone


class AuditLogQuerySet(models.QuerySet):
    """Bulk updates and deletes would bypass the model's guards: refuse them too. (Deleting a user
    still nulls `actor`: Django's collector goes through the plain base manager.)"""

    def update(self, **kwargs):
        raise ValueError("Audit log entries are append-only.")

    def delete(self):
        raise ValueError("Audit log entries are append-only.")


class AuditLog(models.Model):
    """Append-only record of who did what. Never updated nor deleted by the application."""

    action = models.CharField(max_length=100, db_index=True, verbose_name="action")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="auteur",
    )
    actor_label = models.CharField(
        max_length=255,
        blank=True,
        help_text="Auteur quand ce n'est pas un compte (tâche, clé d'API)",
        verbose_name="auteur (libellé)",
    )
    target_type = models.CharField(max_length=100, blank=True, verbose_name="type d'objet")
    target_id = models.CharField(max_length=64, blank=True, verbose_name="identifiant de l'objet")
    data = models.JSONField(default=dict, encoder=DjangoJSONEncoder, verbose_name="données")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True, verbose_name="le")

    objects = AuditLogQuerySet.as_manager()

    class Meta:
        verbose_name = "entrée du journal d'audit"
        verbose_name_plural = "journal d'audit"
        ordering = ["-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{timezone.localtime(self.created_at):%d/%m/%Y %H:%M} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Audit log entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Audit log entries are append-only.")


class RateCounter(models.Model):
    """One fixed-window counter of core.common.counters (rate limits), when they are kept in the database.

    Written only by single atomic upserts (never read-modify-write), so every worker shares one count.
    `expires_at` is in epoch milliseconds: the same number identifies the window, so a late release
    never takes a slot back from the next window."""

    key = models.CharField(max_length=200, primary_key=True)
    count = models.IntegerField()
    expires_at = models.BigIntegerField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"

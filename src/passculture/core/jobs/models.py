from django.db import models


class JobRun(models.Model):
    """The last run of each periodic job (the schedule itself is code: jobs/schedule.py)."""

    name = models.CharField(max_length=100, unique=True, verbose_name="tâche")
    last_started_at = models.DateTimeField(null=True, blank=True, verbose_name="dernier lancement le")
    last_finished_at = models.DateTimeField(null=True, blank=True, verbose_name="dernière fin le")
    # The end of the last run that succeeded: what an alert watches ("no success for too long"), which the
    # last run's own time and status cannot tell once a run has failed.
    last_succeeded_at = models.DateTimeField(null=True, blank=True, verbose_name="dernier succès le")
    last_status = models.CharField(max_length=16, blank=True, verbose_name="dernier état")
    last_error = models.TextField(blank=True, verbose_name="dernière erreur")
    last_result = models.JSONField(default=dict, blank=True, verbose_name="dernier résultat")
    lease_until = models.DateTimeField(null=True, blank=True, verbose_name="réservée jusqu'au")

    class Meta:
        verbose_name = "tâche planifiée"
        verbose_name_plural = "tâches planifiées"

    def __str__(self) -> str:
        return self.name

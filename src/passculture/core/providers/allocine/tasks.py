"""Celery tasks. The `import_requested_at` mark is the source of truth: a lost task costs a minute
(runjobs takes the request), a duplicated one nothing (the claim clears the mark once)."""

from celery import shared_task

from . import services


@shared_task(acks_late=True, ignore_result=True)
def sync_venue_task(settings_id: int) -> str:
    return services.run_requested_import(settings_id)

"""Celery tasks. The export job row is the source of truth: a lost task costs a minute (runjobs takes
the job), a duplicated one nothing (the claim moves it from PENDING once)."""

from celery import shared_task

from . import export_jobs


@shared_task(acks_late=True, ignore_result=True)
def run_export_job_task(job_id: int) -> str:
    return export_jobs.run_export_job(job_id)

import json

from django.core.management.base import BaseCommand

from passculture.core.jobs.schedule import SCHEDULE
from passculture.core.jobs.services import run_due_jobs


class Command(BaseCommand):
    help = "Runs every periodic job that is due (call it every few minutes from cron)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--job",
            action="append",
            choices=[job.name for job in SCHEDULE],
            help="Only this job (repeatable)",
        )
        parser.add_argument("--force", action="store_true", help="Run even if not due")

    def handle(self, *args, job=None, force=False, **options):
        results = run_due_jobs(only=job, force=force)
        self.stdout.write(json.dumps(results, default=str, ensure_ascii=False))

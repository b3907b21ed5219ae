import contextlib
import logging

from django.core.management.base import BaseCommand
from django.test.utils import override_settings

from passculture.demo.loader import DemoLoader, any_user_exists, demo_data_exists
from passculture.demo.summary import account_rows, allocine_summary, format_accounts, reimbursement_summary


@contextlib.contextmanager
def quiet_emails():
    """The demo books dozens of shows: their emails are still written under var/mail/, but not echoed
    one by one to the console, where they would bury the accounts table."""
    notifications_logger = logging.getLogger("passculture.core.notifications")
    level = notifications_logger.level
    notifications_logger.setLevel(logging.WARNING)
    try:
        with override_settings(EMAIL_CONSOLE_ECHO=False):
            yield
    finally:
        notifications_logger.setLevel(level)


class Command(BaseCommand):
    help = (
        "Charge les données de démonstration (cinémas, films, séances, comptes, réservations). "
        "Idempotent : ne fait rien si elles sont déjà chargées."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Ne rien charger si la base contient déjà un utilisateur (utilisé par `make demo`).",
        )

    def handle(self, *args, if_empty=False, **options):
        if demo_data_exists():
            self.stdout.write("Données de démonstration déjà chargées.")
        elif if_empty and any_user_exists():
            self.stdout.write(
                "La base contient déjà des utilisateurs : données de démonstration non chargées."
            )
            return
        else:
            self.stdout.write("Chargement des données de démonstration…")
            with quiet_emails():
                DemoLoader().load()
            self.stdout.write(self.style.SUCCESS("Données de démonstration chargées."))
        self.stdout.write("")
        self.stdout.write(format_accounts(account_rows()))
        if line := allocine_summary():
            self.stdout.write("")
            self.stdout.write(line)
        if lines := reimbursement_summary():
            self.stdout.write("")
            self.stdout.write(lines)

import contextlib
import logging
import shutil
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import override_settings

from passculture.demo.loader import DemoLoader, any_user_exists, demo_data_exists
from passculture.demo.summary import account_rows, allocine_summary, format_accounts, reimbursement_summary
from passculture.demo.ticketing import ticketing_summary


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


def drop_all_tables() -> list[str]:
    """Drops every table of the default database (the demo's and the migrations' own), whatever the engine."""
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA foreign_keys=OFF")
        cascade = " CASCADE" if connection.vendor == "postgresql" else ""
        for table in tables:
            cursor.execute(f"DROP TABLE IF EXISTS {connection.ops.quote_name(table)}{cascade}")
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA foreign_keys=ON")
    return tables


def demo_file_directories() -> list[Path]:
    """Where the demo writes files (posters, identity photos, emails), when they are under the var
    directory: a directory configured elsewhere may hold files that are not ours, and is left alone."""
    var_dir = Path(settings.VAR_DIR).resolve()
    candidates = [settings.MEDIA_ROOT, settings.IDENTITY_DOCUMENTS_ROOT, settings.EMAIL_FILE_PATH]
    return [Path(p).resolve() for p in candidates if Path(p).resolve().is_relative_to(var_dir)]


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
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Supprime toutes les tables de la base et les fichiers de la démo (affiches, photos, "
            "emails sous var/), puis recrée la base et recharge la démo. Refusé avec DEBUG=0.",
        )
        parser.add_argument(
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Avec --reset : ne pas demander de confirmation.",
        )

    def reset(self, interactive: bool) -> None:
        if not settings.DEBUG:
            raise CommandError("--reset est refusé en production (DEBUG=0) : il supprime toutes les données.")
        database = connection.settings_dict["NAME"]
        if interactive:
            answer = input(
                f"Toutes les données de la base « {database} » seront supprimées, puis la démo rechargée. "
                "Tapez « oui » pour continuer : "
            )
            if answer.strip().lower() != "oui":
                raise CommandError("Réinitialisation annulée.")
        self.stdout.write(f"Suppression des tables de « {database} »…")
        drop_all_tables()
        for directory in demo_file_directories():
            shutil.rmtree(directory, ignore_errors=True)
        self.stdout.write("Création des tables…")
        call_command("migrate", interactive=False, verbosity=0)

    def handle(self, *args, if_empty=False, reset=False, interactive=True, **options):
        if reset:
            self.reset(interactive)
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
        if line := ticketing_summary():
            self.stdout.write("")
            self.stdout.write(line)
        if lines := reimbursement_summary():
            self.stdout.write("")
            self.stdout.write(lines)

"""`passculture users <subcommand>`: operations on accounts."""

from django.core.management.base import BaseCommand, CommandError

from passculture.core.users.constants import ANONYMISATION_DELAY_DAYS
from passculture.core.users.services import anonymise_deleted_accounts


class Command(BaseCommand):
    help = "Comptes : anonymisation des comptes dont la suppression a été demandée (anonymise)."

    def add_arguments(self, parser):
        subcommands = parser.add_subparsers(dest="subcommand", required=True, metavar="SOUS-COMMANDE")
        anonymise = subcommands.add_parser(
            "anonymise",
            help="Anonymise les comptes dont la suppression a été demandée il y a au moins N jours.",
        )
        anonymise.add_argument(
            "--older-than-days",
            type=int,
            default=ANONYMISATION_DELAY_DAYS,
            metavar="N",
            help=f"Délai depuis la demande, en jours (défaut : {ANONYMISATION_DELAY_DAYS}).",
        )

    def handle(self, *args, subcommand: str, **options):
        if subcommand == "anonymise":
            days = options["older_than_days"]
            if days < 0:
                raise CommandError("--older-than-days doit être positif ou nul.")
            result = anonymise_deleted_accounts(older_than_days=days)
            self.stdout.write(f"Comptes anonymisés : {result['anonymised']}.")

"""`passculture payments generate --cutoff YYYY-MM-DD --out DIR`: a payment batch by hand."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from passculture.core.common.exceptions import DomainError
from passculture.core.common.money import format_euros
from passculture.core.common.time import now as utcnow
from passculture.core.finance.batches import generate_payment_batch, write_batch_files
from passculture.core.finance.periods import check_cutoff_passed, parse_cutoff
from passculture.core.finance.pricing import price_bookings


class Command(BaseCommand):
    help = "Remboursements : génère le lot de virements d'une date de clôture et ses fichiers (generate)."

    def add_arguments(self, parser):
        subcommands = parser.add_subparsers(dest="subcommand", required=True, metavar="SOUS-COMMANDE")
        generate = subcommands.add_parser(
            "generate",
            help="Valorise les réservations restantes, crée le lot de la date de clôture (s'il n'existe "
            "pas déjà) et écrit ses fichiers (SEPA, CSV comptable, relevés CSV et PDF).",
        )
        generate.add_argument(
            "--cutoff",
            required=True,
            metavar="AAAA-MM-JJ",
            help="Le 1er ou le 16 du mois, déjà commencé (heure de Paris).",
        )
        generate.add_argument(
            "--out", required=True, metavar="DOSSIER", help="Dossier où écrire les fichiers."
        )
        generate.add_argument(
            "--workers",
            type=int,
            default=None,
            metavar="N",
            help="Processus de valorisation en parallèle (PostgreSQL ; défaut : "
            "PASSCULTURE_PRICING_WORKERS).",
        )

    def handle(self, *args, subcommand: str, **options):
        if subcommand == "generate":
            try:
                cutoff = check_cutoff_passed(parse_cutoff(options["cutoff"]), utcnow())
            except DomainError as error:  # not a cut-off, or one still to come: nothing is written
                raise CommandError(error.message) from error
            out = Path(options["out"])
            if out.exists() and not out.is_dir():
                raise CommandError(f"{out} existe et n'est pas un dossier.")
            if options["workers"] is not None and options["workers"] < 1:
                raise CommandError("--workers : au moins 1.")
            price_bookings(workers=options["workers"])
            batch = generate_payment_batch(cutoff)
            lines = list(batch.lines.all())
            paths = write_batch_files(batch, out)
            self.stdout.write(
                f"Lot du {cutoff:%d/%m/%Y} : {len(lines)} ligne(s), "
                f"{sum(line.booking_count for line in lines)} réservation(s), "
                f"{format_euros(sum(line.amount_cents for line in lines))}."
            )
            for path in paths:
                self.stdout.write(f"  {path}")

"""`passculture allocine <subcommand>`: one command for every Allociné operation (the sync comes later)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from passculture.core.providers.allocine.theaters import ImportReport, TheaterFileInvalid, import_theaters_csv


class Command(BaseCommand):
    help = "Allociné : import de la liste des cinémas référencés (import-theaters)."

    def add_arguments(self, parser):
        subcommands = parser.add_subparsers(dest="subcommand", required=True, metavar="SOUS-COMMANDE")
        theaters = subcommands.add_parser(
            "import-theaters",
            help="Importe la liste des cinémas AlloCiné (CSV : siret, theater_id, internal_id).",
        )
        theaters.add_argument("file", metavar="FICHIER", help="Fichier CSV (séparateur ; ou ,), UTF-8")
        theaters.add_argument(
            "--replace",
            action="store_true",
            help="Désactive les cinémas absents du fichier (ils ne sont jamais supprimés).",
        )

    def handle(self, *args, subcommand: str, **options):
        if subcommand == "import-theaters":
            self._import_theaters(options["file"], replace=options["replace"])

    def _import_theaters(self, path: str, *, replace: bool) -> None:
        try:
            content = Path(path).read_bytes()
        except OSError as error:
            raise CommandError(f"Impossible de lire {path} : {error.strerror or error}.") from None
        try:
            report = import_theaters_csv(
                content, actor=None, replace=replace, actor_label="commande allocine import-theaters"
            )
        except TheaterFileInvalid as error:
            raise CommandError(error.message) from None
        self._print_report(report)
        if not report.applied:
            raise CommandError("Aucune ligne valide : rien n'a été importé.")

    def _print_report(self, report: ImportReport) -> None:
        self.stdout.write(
            f"Cinémas créés : {report.created}, modifiés : {report.updated}, inchangés : {report.unchanged}, "
            f"désactivés : {report.deactivated}, lignes invalides : {len(report.errors)}."
        )
        for error in report.errors:
            self.stderr.write(f"Ligne {error.line} : {error.message}")

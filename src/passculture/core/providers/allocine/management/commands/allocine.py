"""`passculture allocine <subcommand>`: one command for every Allociné operation."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from passculture.core.providers.allocine.models import AllocineVenueSettings
from passculture.core.providers.allocine.sync import sync_all, sync_venue
from passculture.core.providers.allocine.theaters import ImportReport, TheaterFileInvalid, import_theaters_csv


class Command(BaseCommand):
    help = "Allociné : liste des cinémas référencés (import-theaters), import des séances (sync)."

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

        sync = subcommands.add_parser(
            "sync", help="Importe maintenant le programme AlloCiné des lieux actifs."
        )
        sync.add_argument("--venue", type=int, metavar="ID", help="Seulement ce lieu (même inactif).")

    def handle(self, *args, subcommand: str, **options):
        if subcommand == "import-theaters":
            self._import_theaters(options["file"], replace=options["replace"])
        elif subcommand == "sync":
            self._sync(options.get("venue"))

    def _sync(self, venue_id: int | None) -> None:
        if venue_id is None:
            results = sync_all()
            self.stdout.write(
                f"Lieux importés : {results['venues']} (réussis : {results['ok']}, partiels : "
                f"{results['partial']}, en échec : {results['error']}), ignorés : {results['skipped']}."
            )
            return
        settings_obj = (
            AllocineVenueSettings.objects.select_related("venue", "theater").filter(venue_id=venue_id).first()
        )
        if settings_obj is None:
            raise CommandError(f"Le lieu {venue_id} n'a pas d'importation AlloCiné configurée.")
        run = sync_venue(settings_obj)
        self.stdout.write(
            f"Import {run.get_status_display()} : {run.films_seen} films, {run.offers_created} offres créées, "
            f"{run.offers_updated} modifiées, {run.showtimes_created} séances créées, "
            f"{run.showtimes_updated} modifiées, {run.showtimes_deleted} supprimées, "
            f"affiches {run.posters_fetched} récupérées / {run.posters_failed} en échec."
        )
        for error in run.errors:
            self.stderr.write(error)
        if run.status == run.Status.ERROR:
            raise CommandError("L'import a échoué.")

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

"""passculture renditions: makes the missing poster renditions (posters stored before they existed)."""

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand

from passculture.core.common.renditions import missing_renditions, save_renditions
from passculture.core.films.models import Film
from passculture.core.offers.models import Offer


class Command(BaseCommand):
    help = "Crée les tailles réduites manquantes des affiches (srcset)."

    def handle(self, *args, **options):
        names = set(Offer.objects.exclude(image="").values_list("image", flat=True))
        names |= set(Film.objects.exclude(poster="").values_list("poster", flat=True))
        made = 0
        for name in missing_renditions(default_storage, sorted(names)):
            save_renditions(default_storage, name)
            made += 1
        self.stdout.write(f"Affiches complétées : {made} sur {len(names)}.")

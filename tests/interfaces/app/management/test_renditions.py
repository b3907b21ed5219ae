"""passculture renditions: completes the posters stored before renditions existed, once."""

from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command

from passculture.core.common.renditions import stored_renditions
from passculture.core.films.factories import FilmFactory
from passculture.core.offers.factories import OfferFactory
from tests.image_files import image_bytes

pytestmark = pytest.mark.django_db


def test_the_command_makes_the_missing_renditions_of_offers_and_films(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    offer, film = OfferFactory(), FilmFactory()
    offer.image.save("a.jpg", ContentFile(image_bytes("JPEG", (600, 900))))
    film.poster.save("b.jpg", ContentFile(image_bytes("JPEG", (400, 600))))

    out = StringIO()
    call_command("renditions", stdout=out)
    assert "Affiches complétées : 2 sur 2." in out.getvalue()
    assert [w for w, _ in stored_renditions(offer.image.storage, offer.image.name)] == [160, 320, 480]
    assert [w for w, _ in stored_renditions(film.poster.storage, film.poster.name)] == [160, 320]

    again = StringIO()
    call_command("renditions", stdout=again)
    assert "Affiches complétées : 0 sur 2." in again.getvalue()

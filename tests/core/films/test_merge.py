"""Two records of one film become one: offers move, the kept film takes what it lacks."""

import pytest
from django.core.files.base import ContentFile

from passculture.core.films.exceptions import FilmMergeNeedsTwo
from passculture.core.films.models import Film
from passculture.core.films.services import find_or_create_film, merge_films
from passculture.core.offers.factories import OfferFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_the_kept_film_takes_the_identifiers_details_and_poster_it_lacks(django_capture_on_commit_callbacks):
    keep = find_or_create_film(title="Anora", year=2024, synopsis="Texte du cinéma.")
    imported = find_or_create_film(
        title="Anora (VOST)",
        year=2024,
        allocine_id="M9",
        visa="160000",
        synopsis="Texte importé.",
        cast=["Mikey"],
    )
    imported.poster.save("anora.jpg", ContentFile(b"jpeg"), save=True)
    offers = [OfferFactory(film=imported), OfferFactory(film=keep)]

    with django_capture_on_commit_callbacks(execute=True):
        moved = merge_films(keep, [imported, keep])

    keep.refresh_from_db()
    assert moved == 1 and list(Film.objects.all()) == [keep]
    assert (keep.allocine_id, keep.visa, keep.cast, keep.synopsis) == (
        "M9",
        "160000",
        ["Mikey"],
        "Texte du cinéma.",
    )
    assert keep.poster.name == imported.poster.name and keep.poster.storage.exists(keep.poster.name)
    assert {offer.__class__.objects.get(pk=offer.pk).film_id for offer in offers} == {keep.pk}


def test_a_film_alone_is_not_a_merge():
    film = find_or_create_film(title="Anora", year=2024)
    with pytest.raises(FilmMergeNeedsTwo):
        merge_films(film, [film])

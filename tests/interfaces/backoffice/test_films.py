"""Staff find a film (title whatever the accents, Allociné id, visa), correct it, merge two records."""

import pytest
from django.urls import reverse

from passculture.core.common.models import AuditLog
from passculture.core.films.models import Film
from passculture.core.films.services import find_or_create_film
from passculture.core.offers.factories import OfferFactory
from passculture.core.users.constants import Role
from passculture.core.users.factories import UserFactory

pytestmark = pytest.mark.django_db
CHANGELIST = "admin:films_film_changelist"


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(role=Role.STAFF, is_staff=True, is_superuser=False, birth_date=None))
    return client


@pytest.fixture
def films():
    ete = find_or_create_film(title="L'Été dernier", year=2023, allocine_id="M1", visa="150000")
    nuit = find_or_create_film(title="La Longue Nuit", year=2026, visa="161234")
    return ete, nuit


def _listed(response) -> list:
    return list(response.context["cl"].result_list)


@pytest.mark.parametrize("term", ["ete dernier", "M1", "150000", "L'ÉTÉ"])
def test_staff_find_a_film_by_title_allocine_id_or_visa(staff_client, films, term):
    response = staff_client.get(reverse(CHANGELIST), {"q": term})
    assert _listed(response) == [films[0]]


def test_the_list_and_the_form_speak_french(staff_client, films):
    listing = staff_client.get(reverse(CHANGELIST)).content.decode()
    form = staff_client.get(reverse("admin:films_film_change", args=[films[0].pk])).content.decode()
    for label in ("Titre", "Année", "Numéro de visa", "Identifiant AlloCiné", "Offres", "Affiche"):
        assert label in listing
    for label in ("Synopsis", "Réalisation", "Distribution", "Date de sortie", "Titre normalisé"):
        assert label in form


def test_a_correction_updates_the_title_key_and_is_logged(staff_client, films):
    film = films[1]
    data = {
        "title": "La Très Longue Nuit",
        "year": "2026",
        "visa": "161 234",
        "allocine_id": "",
        "original_title": "",
        "synopsis": "",
        "duration_minutes": "",
        "directors": "[]",
        "cast": "[]",
        "genres": '["Drame"]',
        "countries": "[]",
        "release_date": "",
        "allocine_url": "",
    }
    response = staff_client.post(reverse("admin:films_film_change", args=[film.pk]), data)

    assert response.status_code == 302
    film.refresh_from_db()
    assert (film.title_key, film.visa, film.genres) == ("la tres longue nuit", "161234", ["Drame"])
    assert AuditLog.objects.filter(action="film.corrected").exists()


def test_a_correction_with_a_wrong_year_is_refused_with_the_reason(staff_client, films):
    film = films[1]
    response = staff_client.post(
        reverse("admin:films_film_change", args=[film.pk]),
        {
            "title": "La Longue Nuit",
            "year": "1700",
            "directors": "[]",
            "cast": "[]",
            "genres": "[]",
            "countries": "[]",
        },
    )
    assert response.status_code == 200
    assert "1895" in response.content.decode()


def test_staff_merge_two_records_of_one_film_and_its_offers_follow(staff_client, films):
    ete, _nuit = films
    duplicate = find_or_create_film(title="Été dernier (L')", year=2023, synopsis="Le synopsis.")
    offers = [OfferFactory(film=ete), OfferFactory(film=duplicate), OfferFactory(film=duplicate)]
    url = reverse(CHANGELIST)
    selected = {"action": "merge_selected", "_selected_action": [ete.pk, duplicate.pk]}

    confirmation = staff_client.post(url, selected)
    assert "Film à garder" in confirmation.content.decode()
    response = staff_client.post(url, {**selected, "apply": "1", "keep": str(ete.pk)})

    assert response.status_code == 302
    assert not Film.objects.filter(pk=duplicate.pk).exists()
    assert all(offer.film_id == ete.pk for offer in (o.__class__.objects.get(pk=o.pk) for o in offers))
    ete.refresh_from_db()
    assert ete.synopsis == "Le synopsis." and ete.visa == "150000"
    assert AuditLog.objects.get(action="film.merged").data["offers_moved"] == 2


def test_a_merge_needs_two_films(staff_client, films):
    response = staff_client.post(
        reverse(CHANGELIST), {"action": "merge_selected", "_selected_action": [films[0].pk]}, follow=True
    )
    assert "Sélectionnez au moins deux films" in response.content.decode()
    assert Film.objects.count() == 2

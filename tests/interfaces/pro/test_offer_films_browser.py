"""The film choice of the first step of an offer, without JavaScript, at a cinema's desktop size: a
search button, then a new film typed (the suggestions as the pro types: test_offer_steps_browser)."""

import re

import pytest

from passculture.core.films.models import Film
from passculture.core.films.services import find_or_create_film
from passculture.core.offerers.factories import MembershipFactory, VenueFactory
from passculture.core.offers.models import Offer
from tests.browser import BROWSER_MARKS, log_in, screenshot

pytestmark = [*BROWSER_MARKS, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
DESKTOP = {"width": 1440, "height": 900}


@pytest.fixture
def venue(transactional_db):
    return VenueFactory(name="Ciné Lumière Bellecour", city="Lyon", timezone="Europe/Paris")


@pytest.fixture
def pro(venue):
    return MembershipFactory(offerer=venue.offerer).user


@pytest.fixture
def films(transactional_db):
    return [
        find_or_create_film(
            title="Dune : deuxième partie",
            year=2024,
            visa="158963",
            duration_minutes=166,
            synopsis="Paul Atréides s'unit aux Fremen pour venger sa famille.",
            genres=["Science-fiction", "Aventure"],
            directors=["Denis Villeneuve"],
        ),
        find_or_create_film(
            title="Dune", year=2021, visa="150327", duration_minutes=155, genres=["Science-fiction"]
        ),
    ]


def test_without_javascript_the_pro_searches_then_creates_the_film(page, live_server, client, pro, films):
    context = page.context.browser.new_context(locale="fr-FR", java_script_enabled=False, viewport=DESKTOP)
    plain = context.new_page()
    log_in(plain, client, pro, live_server.url)
    plain.goto(f"{live_server.url}/pro/offres/nouvelle/")

    plain.get_by_label("Rechercher un film").fill("Les Lumières de Belleville")
    plain.get_by_role("button", name="Rechercher").click()
    assert "Aucun film ne correspond" in plain.locator("#film-results").inner_text()
    plain.get_by_role("link", name="créez le film « Les Lumières de Belleville »").click()

    assert (
        plain.get_by_role("textbox", name="Titre du film", exact=True).input_value()
        == "Les Lumières de Belleville"
    )
    plain.get_by_label("Année de sortie").fill("2026")
    plain.get_by_label("Numéro de visa d'exploitation").fill("161201")
    plain.get_by_label("Genres").fill("Comédie dramatique")
    screenshot(plain, "pro-offer-film-new-1440")
    plain.get_by_role("button", name="Étape suivante").click()
    plain.wait_for_url(re.compile(r".*/pro/offres/\d+/etapes/details/$"))

    film = Film.objects.get(visa="161201")
    offer = Offer.objects.get()
    assert (offer.film, offer.name, film.year, offer.is_draft) == (film, film.title, 2026, True)
    assert plain.get_by_label("Titre de l'offre").input_value() == "Les Lumières de Belleville"
    context.close()

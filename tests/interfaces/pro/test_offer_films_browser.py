"""The film choice of the offer form in a real browser, at a cinema's desktop size: suggestions as the pro
types (htmx), then the same without JavaScript (a search button, then a new film typed)."""

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


def test_pro_picks_a_film_from_the_suggestions_and_the_offer_is_filled(page, live_server, client, pro, films):
    page.set_viewport_size(DESKTOP)
    log_in(page, client, pro, live_server.url)
    page.goto(f"{live_server.url}/pro/offres/nouvelle/")
    assert page.get_by_role("heading", name="Film").is_visible()

    page.get_by_label("Rechercher un film").press_sequentially("dune", delay=30)
    choose = page.get_by_role("link", name="Choisir Dune : deuxième partie (2024)")
    choose.wait_for()
    assert page.locator(".pro-film-result").count() == 2
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "pro-offer-film-suggestions-1440")

    choose.click()
    page.wait_for_url(re.compile(rf".*\?film={films[0].pk}$"))
    assert page.get_by_label("Titre de l'offre").input_value() == "Dune : deuxième partie"
    assert page.get_by_label("Durée (minutes)").input_value() == "166"
    screenshot(page, "pro-offer-film-chosen-1440")

    page.get_by_label("Non", exact=True).check(force=True)
    page.get_by_role("button", name="Créer l'offre").click()
    page.wait_for_url(re.compile(r".*/pro/offres/\d+/seances/ajouter/$"))
    assert Offer.objects.get().film == films[0]


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
    plain.get_by_label("Durée (minutes)").fill("104")
    plain.get_by_label("Non", exact=True).check()
    screenshot(plain, "pro-offer-film-new-1440")
    plain.get_by_role("button", name="Créer l'offre").click()
    plain.wait_for_url(re.compile(r".*/pro/offres/\d+/seances/ajouter/$"))

    film = Film.objects.get(visa="161201")
    offer = Offer.objects.get()
    assert (offer.film, offer.name, film.year, film.duration_minutes) == (film, film.title, 2026, 104)
    context.close()

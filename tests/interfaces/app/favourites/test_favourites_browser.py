"""Favourites on a phone (390 x 844): the heart on a film page, the Favoris tab, the heart that removes."""

import datetime as dt

import pytest

from passculture.core.common.time import now as utcnow
from passculture.core.credit.factories import DepositFactory
from passculture.core.films.services import find_or_create_film
from passculture.core.offerers.factories import VenueFactory
from passculture.core.offers.factories import OfferFactory, StockFactory
from passculture.core.users.factories import UserFactory
from tests.browser import BROWSER_MARKS, assert_accessible, log_in, screenshot

pytestmark = [*BROWSER_MARKS, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def film(transactional_db):
    film = find_or_create_film(
        title="Orbite basse", year=2026, duration_minutes=102, genres=["Science-fiction"]
    )
    venue = VenueFactory(
        name="Ciné Lumière Bellecour",
        city="Lyon",
        postal_code="69002",
        latitude="45.757800",
        longitude="4.832000",
    )
    offer = OfferFactory(film=film, name=film.title, venue=venue)
    for hours in (3, 27, 51):
        StockFactory(offer=offer, beginning_datetime=utcnow() + dt.timedelta(hours=hours))
    return film


def test_a_film_kept_in_favourites_and_removed(page, live_server, client, film):
    user = UserFactory(postal_code="69002", city="Lyon")
    DepositFactory(user=user)
    page.set_viewport_size(PHONE)
    log_in(page, client, user, live_server.url)

    page.goto(f"{live_server.url}/favoris/")
    assert page.get_by_text("Tu n'as encore aucun favori.").is_visible()
    assert_accessible(page, "favourites-empty")
    screenshot(page, "app-favourites-empty")

    page.goto(f"{live_server.url}/films/{film.pk}/")
    page.get_by_role("button", name="Ajouter aux favoris").click()
    page.wait_for_url(f"{live_server.url}/films/{film.pk}/")
    assert page.get_by_role("button", name="Retirer des favoris").get_attribute("aria-pressed") == "true"

    page.get_by_role("link", name="Favoris").click()
    page.wait_for_url(f"{live_server.url}/favoris/")
    assert page.get_by_role("heading", name="Orbite basse").is_visible()
    chips = page.locator("[data-favourite-film] .fr-tag")
    assert chips.count() == 3 and "Ciné Lumière Bellecour" in chips.first.inner_text()
    wide = page.evaluate(
        "() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > innerWidth)"
        ".map(e => e.tagName + '.' + e.className).slice(0, 5)"
    )
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"), wide
    assert_accessible(page, "favourites-list")
    screenshot(page, "app-favourites")

    page.get_by_role("button", name="Retirer des favoris").click()
    page.wait_for_url(f"{live_server.url}/favoris/")
    assert page.get_by_text("Tu n'as encore aucun favori.").is_visible()

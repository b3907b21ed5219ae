import datetime as dt

import pytest
import time_machine

from passculture.core.offerers.constants import ValidationStatus
from passculture.core.offerers.factories import OffererFactory, VenueFactory
from passculture.core.offers.factories import OfferFactory, StockFactory
from tests.conftest import utc

NOW = utc(2026, 12, 1, 8, 0)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


def test_home_lists_upcoming_films_with_their_cinema(client, db):
    venue = VenueFactory(name="Ciné Lumière Bellecour", city="Lyon")
    StockFactory(
        offer__venue=venue,
        offer__name="Orbite basse",
        price_cents=750,
        beginning_datetime=NOW + dt.timedelta(days=2),
    )
    page = client.get("/").content.decode()
    assert ">Orbite basse</a>" in page
    assert "Ciné Lumière Bellecour" in page


def test_search_shows_showtimes_in_the_venue_timezone(client, db):
    venue = VenueFactory(
        city="Saint-Denis", postal_code="97400", department_code="974", timezone="Indian/Reunion"
    )
    # 16:30 UTC is 20:30 in La Réunion (UTC+4), 17:30 in Paris.
    StockFactory(offer__venue=venue, beginning_datetime=utc(2026, 12, 3, 16, 30))
    page = client.get("/recherche/").content.decode()
    assert "20h30" in page
    assert 'datetime="2026-12-03T20:30:00+04:00"' in page


def test_home_hides_films_of_offerers_awaiting_validation(client, db):
    venue = VenueFactory(offerer=OffererFactory(validation_status=ValidationStatus.NEW))
    StockFactory(offer__venue=venue, offer__name="Film en attente")
    assert "Film en attente" not in client.get("/").content.decode()
    assert "Film en attente" not in client.get("/recherche/").content.decode()


def test_home_queries_do_not_grow_with_the_number_of_films(client, db, django_assert_max_num_queries):
    for index in range(8):
        offer = OfferFactory(name=f"Film {index}", venue=VenueFactory())
        for day in range(1, 4):
            StockFactory(
                offer=offer, beginning_datetime=NOW + dt.timedelta(days=day, hours=index), quantity=5
            )
    # Nationwide: two grouped searches (showtimes in start order, prices, offers, chips, cinemas) and the
    # last places; nothing per film.
    with django_assert_max_num_queries(12):
        response = client.get("/")
    assert response.content.decode().count('class="app-poster-card"') == 16


def test_home_links_to_the_pro_portal_once_in_its_footer_and_never_to_the_back_office(client, db):
    page = client.get("/").content.decode()
    assert page.count('href="/pro/"') == 1
    assert 'href="/pro/">Espace cinémas</a>' in page
    assert "/backoffice/" not in page


def test_every_app_page_has_the_tab_bar_and_the_legal_links(client, db):
    page = client.get("/connexion/").content.decode()
    assert '<nav class="app-tabs" aria-label="Navigation principale">' in page
    assert 'href="/accessibilite/">Accessibilité : partiellement conforme</a>' in page
    assert 'href="/mentions-legales/">Mentions légales</a>' in page
    # Only the DSFR parts the app uses, never the whole bundle.
    assert "dsfr/dist/core/core.main.min.css" in page
    assert "dsfr.min.css" not in page


def test_the_legal_pages_say_who_publishes_and_how_to_complain(client, db, settings):
    settings.PASSCULTURE_PUBLISHER_NAME = "Ministère de la Culture (démo)"
    notices = client.get("/mentions-legales/").content.decode()
    assert "Ministère de la Culture (démo)" in notices
    assert "Hébergement" in notices and "CNIL" in notices
    statement = client.get("/accessibilite/").content.decode()
    assert '<strong id="accessibility-status">partiellement conforme</strong>' in statement
    assert "Défenseur des droits" in statement


def test_home_page_is_in_french(client, db):
    assert '<html lang="fr">' in client.get("/").content.decode()


def test_the_pro_portal_link_asks_a_visitor_to_log_in(client, db):
    response = client.get("/pro/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/pro/connexion/")
    assert "Se connecter à pass Culture Pro" in response.content.decode()

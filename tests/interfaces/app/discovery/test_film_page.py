"""The film page (/films/<id>/, and /offres/<id>/ for every older link): the film, day chips, the cinemas
of the chosen day by distance, and each showtime's state for the person before the tap."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from passculture.core.bookings.services import book_offer
from passculture.core.credit.factories import DepositFactory
from passculture.core.films.services import find_or_create_film
from passculture.core.offers.factories import OfferFactory, StockFactory
from passculture.core.users.factories import ProFactory, UserFactory
from tests.conftest import utc

from .test_views import lyon_venue

pytestmark = pytest.mark.django_db

NOW = utc(2026, 12, 1, 8, 0)  # 09:00 in Lyon, a Tuesday
BELLECOUR = {"lat": "45.7578", "lon": "4.8320"}


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


def showtime(offer, hours, **kwargs):
    start = NOW + dt.timedelta(hours=hours)
    return StockFactory(offer=offer, beginning_datetime=start, booking_limit_datetime=start, **kwargs)


def html_of(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode().replace("&#x27;", "'")


def slot(html, stock_id):
    """The markup of one showtime's button or link."""
    link = re.search(rf'<a [^>]*href="/reserver/{stock_id}/"[^>]*>.*?</a>', html, re.S)
    return link.group(0) if link else ""


def off_buttons(html):
    return re.findall(r'<button [^>]*aria-disabled="true"[^>]*>.*?</button>', html, re.S)


@pytest.fixture
def orbite():
    film = find_or_create_film(
        title="Orbite basse",
        allocine_id="42",
        synopsis="Une station en perdition.",
        duration_minutes=102,
        directors=["Jeanne Lune"],
        cast=["Ana Sol", "Ben Mar"],
        genres=["Science-fiction"],
        allocine_url="https://www.allocine.fr/f/42",
        release_date=dt.date(2026, 11, 25),
    )
    bellecour = OfferFactory(film=film, name="Orbite basse", venue=lyon_venue())
    villeurbanne = OfferFactory(
        film=film,
        name="Orbite basse",
        venue=lyon_venue(
            name="Ciné Villeurbanne", city="Villeurbanne", latitude="45.766000", longitude="4.880000"
        ),
    )
    stocks = {
        "tonight_vo": showtime(bellecour, 11, version="VO", quantity=10, booked_quantity=7),  # 20:00, 3 left
        "tonight_full": showtime(bellecour, 12, quantity=10, booked_quantity=10),  # 21:00, sold out
        "tonight_far": showtime(villeurbanne, 10, version="VF", quantity=None),  # 19:00
        "thursday": showtime(bellecour, 59, version="VF", price_cents=650),  # Thursday 20:00
        "thursday_free": showtime(villeurbanne, 58, price_cents=0),  # Thursday 19:00
    }
    return film, bellecour, villeurbanne, stocks


def film_url(film):
    return reverse("app:film", args=[film.pk])


def test_the_film_page_shows_the_film_the_day_chips_and_the_first_days_cinemas(client, orbite):
    film, _bellecour, _villeurbanne, stocks = orbite
    html = html_of(client, film_url(film), **BELLECOUR)
    assert '<h1 id="titre-film" class="fr-h3">Orbite basse</h1>' in html
    assert "1 h 42" in html and "Science-fiction" in html
    assert "Jeanne Lune" in html and "Ana Sol, Ben Mar" in html
    assert "Une station en perdition." in html and "25 novembre 2026" in html
    assert 'href="https://www.allocine.fr/f/42"' in html
    # Day chips: today, then Thursday by its name; today is the chosen one.
    assert re.search(r'aria-current="true">Aujourd\'hui</a>', html)
    assert ">Jeudi 3</a>" in html and ">Demain</a>" not in html  # no showtime on Wednesday
    assert "Aujourd'hui, mardi 1er décembre" in html
    # Today's cinemas, nearest first, with their showtimes as links to booking.
    assert html.index("Ciné Lumière Bellecour") < html.index("Ciné Villeurbanne")
    vo = slot(html, stocks["tonight_vo"].pk)
    assert "20h00" in vo and ">VO</abbr>" in vo and "8\u00a0€" in vo and "3 places" in vo
    assert "places" not in slot(html, stocks["tonight_far"].pk)  # unlimited: no count
    assert slot(html, stocks["thursday"].pk) == ""  # another day
    # Sold out: a button that says so, never a link.
    [full] = off_buttons(html)
    assert "21h00" in full and "Complet" in full
    assert slot(html, stocks["tonight_full"].pk) == ""


def test_a_day_chip_shows_that_days_cinemas(client, orbite):
    film, _bellecour, _villeurbanne, stocks = orbite
    html = html_of(client, film_url(film), jour="2026-12-03", **BELLECOUR)
    assert re.search(r'aria-current="true">Jeudi 3</a>', html)
    assert slot(html, stocks["thursday"].pk) and "6,50\u00a0€" in slot(html, stocks["thursday"].pk)
    assert "Gratuit" in slot(html, stocks["thursday_free"].pk)
    assert slot(html, stocks["tonight_vo"].pk) == ""
    # A day without showtimes (or a malformed one) falls back to the first day that has some.
    assert slot(html_of(client, film_url(film), jour="2026-12-02"), stocks["tonight_vo"].pk)
    assert slot(html_of(client, film_url(film), jour="mardi"), stocks["tonight_vo"].pk)


def test_old_offer_links_open_the_film_with_that_cinema_first(client, orbite):
    film, _bellecour, villeurbanne, _stocks = orbite
    response = client.get(reverse("app:offer", args=[villeurbanne.pk]), BELLECOUR)
    assert response.status_code == 302
    assert response["Location"].startswith(f"/films/{film.pk}/?")
    assert f"cinema={villeurbanne.pk}" in response["Location"] and "lat=45.7578" in response["Location"]
    html = html_of(client, response["Location"])
    assert html.index("Ciné Villeurbanne") < html.index("Ciné Lumière Bellecour")
    assert "Cinéma choisi" in html


def test_an_offer_without_a_film_is_its_own_film_page(client):
    offer = OfferFactory(name="Sans film", venue=lyon_venue())
    stock = showtime(offer, 30)
    html = html_of(client, reverse("app:offer", args=[offer.pk]))
    assert '<h1 id="titre-film" class="fr-h3">Sans film</h1>' in html
    assert slot(html, stock.pk)
    assert "Cinéma choisi" in html


def test_without_position_a_beneficiary_gets_their_town_and_a_visitor_all_of_france(client, orbite):
    film = orbite[0]
    lyon = UserFactory(postal_code="69002", city="Lyon")
    DepositFactory(user=lyon)
    assert "dans toute la France" in html_of(client, film_url(film))
    client.force_login(lyon)
    html = html_of(client, film_url(film))
    assert "près de chez toi" in html and "à 1," in html  # Bellecour from Lyon 2e's centre


def test_a_visitor_is_asked_to_log_in_and_can_still_tap_a_showtime(client, orbite):
    film, _b, _v, stocks = orbite
    html = html_of(client, film_url(film), **BELLECOUR)
    assert "Connecte-toi</a> pour réserver" in html
    assert slot(html, stocks["tonight_vo"].pk)


def test_an_expired_credit_disables_paid_showtimes_and_keeps_free_ones(client, orbite):
    film, _b, _v, stocks = orbite
    user = UserFactory()
    DepositFactory(user=user, granted_at=NOW - dt.timedelta(days=800), expires_at=NOW - dt.timedelta(days=70))
    client.force_login(user)
    html = html_of(client, film_url(film), jour="2026-12-03", **BELLECOUR)
    assert 'data-code="DEPOSIT_EXPIRED"' in html
    assert '<p id="raison-personnelle">Ton crédit pass Culture a expiré' in html
    assert 'href="/credit/"' in html or "Voir mon crédit" in html
    [paid] = off_buttons(html)
    assert "20h00" in paid and "Crédit expiré" in paid and 'aria-describedby="raison-personnelle"' in paid
    assert slot(html, stocks["thursday_free"].pk)  # free: still bookable


def test_a_17_year_old_is_told_when_they_can_book(client, orbite):
    film = orbite[0]
    client.force_login(UserFactory(birth_date=dt.date(2009, 5, 20)))
    html = html_of(client, film_url(film), **BELLECOUR)
    assert 'data-code="NOT_YET_ELIGIBLE"' in html
    assert "à partir du 20 mai 2027" in html
    assert all("Pas encore de crédit" in button for button in off_buttons(html) if "Complet" not in button)
    assert len(off_buttons(html)) == 3  # every showtime of the day


def test_an_already_booked_cinema_says_so_and_the_others_stay_bookable(client, orbite):
    film, bellecour, _v, stocks = orbite
    user = UserFactory()
    DepositFactory(user=user)
    book_offer(user, stocks["thursday"].pk)
    client.force_login(user)
    html = html_of(client, film_url(film), **BELLECOUR)
    reason_id = f"raison-{bellecour.pk}-1"
    assert f'<p id="{reason_id}" class="film-page__reason">Tu as déjà réservé ce film dans ce cinéma' in html
    assert "Voir mes réservations" in html
    booked, full = off_buttons(html)  # book_offer checks the places before the earlier booking
    assert "20h00" in booked and "Déjà réservé" in booked and f'aria-describedby="{reason_id}"' in booked
    assert "21h00" in full and "Complet" in full
    assert slot(html, stocks["tonight_far"].pk)  # another cinema: its own offer


def test_a_pro_reads_that_booking_is_for_young_people(client, orbite):
    client.force_login(ProFactory())
    html = html_of(client, film_url(orbite[0]), **BELLECOUR)
    assert 'data-code="NOT_A_BENEFICIARY"' in html and "Réservé aux jeunes" in html


def test_showtime_buttons_are_named_by_their_visible_text(client, orbite):
    film = orbite[0]
    client.force_login(UserFactory(birth_date=dt.date(2009, 5, 20)))
    html = html_of(client, film_url(film), **BELLECOUR)
    section = html[html.index('class="film-page__cinemas"') : html.index('id="a-propos"')]
    assert "aria-label=" not in section  # the accessible name is the text people see
    assert "disabled" not in section.replace("aria-disabled", "")  # still reachable by keyboard


def test_no_showtime_in_the_radius_says_so_and_links_to_the_search(client, orbite):
    film = orbite[0]
    html = html_of(client, film_url(film), lat="48.8566", lon="2.3522")  # Paris
    assert "Aucune séance à moins de 50 km pour ce film dans les 14 prochains jours." in html
    assert "Chercher d'autres films" in html
    # What to widen: the next radius, then all of France (which finds Lyon's cinemas).
    assert 'href="?lat=48.8566&amp;lon=2.3522&amp;rayon=100"' in html and "Voir les séances à 100 km" in html
    assert 'href="?partout=1"' in html
    everywhere = html_of(client, film_url(film), partout="1", lat="48.8566", lon="2.3522")
    assert "dans toute la France" in everywhere and "Ciné Lumière Bellecour" in everywhere


def test_an_unknown_film_is_not_found(client):
    assert client.get(reverse("app:film", args=[999999])).status_code == 404


def test_bad_query_values_never_fail_the_page(client, orbite):
    film = orbite[0]
    for params in ({"lat": "999", "lon": "x"}, {"rayon": "7"}, {"jour": "2026-02-30"}, {"cinema": "abc"}):
        assert client.get(film_url(film), params).status_code == 200


def test_not_enough_credit_is_said_per_price_under_the_cinema(client, orbite):
    film, bellecour, _v, stocks = orbite
    user = UserFactory()
    DepositFactory(user=user, amount_cents=7_00)
    client.force_login(user)
    html = html_of(client, film_url(film), jour="2026-12-03", **BELLECOUR)
    assert (
        'data-code="INSUFFICIENT_CREDIT"' not in html.split('class="film-page__cinemas"')[0]
    )  # no top alert
    assert slot(html, stocks["thursday"].pk)  # 6,50 € fits in 7 €
    html = html_of(client, film_url(film), **BELLECOUR)
    too_dear, full, too_dear_there = off_buttons(html)  # Bellecour 20:00 and 21:00, Villeurbanne 19:00
    assert "Crédit insuffisant" in too_dear and f'aria-describedby="raison-{bellecour.pk}-1"' in too_dear
    assert "Crédit insuffisant" in too_dear_there
    assert "Il te reste 7\u00a0€, la séance coûte 8\u00a0€" in html
    assert "Complet" in full


def test_a_showtime_sold_at_several_prices_is_one_link_to_its_cheapest_open_price(client, orbite):
    from passculture.core.offers import price_categories

    film, bellecour, _villeurbanne, _stocks = orbite
    reduced = price_categories.create_price_category(bellecour, label="Tarif réduit", price_cents=5_50)
    full = price_categories.create_price_category(bellecour, label="Plein tarif", price_cents=9_00)
    cheap = showtime(bellecour, 13, price_category=reduced, price_cents=5_50, quantity=5, booked_quantity=5)
    dear = showtime(bellecour, 13, price_category=full, price_cents=9_00)
    html = html_of(client, film_url(film), **BELLECOUR)
    # The reduced price is sold out: the link opens the full price, and says there are several.
    link = slot(html, dear.pk)
    assert "22h00" in link and "dès 5,50\u00a0€" in link
    assert slot(html, cheap.pk) == ""
    assert html.count("22h00") == 1

"""The film page on a phone (390 x 844), in Debian's Chromium: an old offer link opens the film, day
chips change the day, and people who cannot book see why on the buttons before they tap."""

import datetime as dt

import pytest

from passculture.core.bookings.services import book_offer
from passculture.core.common.time import local_to_utc, to_local
from passculture.core.common.time import now as utcnow
from passculture.core.credit.factories import DepositFactory
from passculture.core.films.services import find_or_create_film
from passculture.core.offerers.factories import VenueFactory
from passculture.core.offers.factories import OfferFactory, StockFactory
from passculture.core.users.factories import UserFactory
from tests.browser import BROWSER_MARKS, assert_accessible, log_in, screenshot

pytestmark = BROWSER_MARKS

PHONE = {"width": 390, "height": 844}
BELLECOUR = "lat=45.76020&lon=4.83570"


def phone_page(page):
    context = page.context.browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="fr-FR")
    context.set_default_timeout(15_000)
    return context.new_page()


def no_horizontal_scroll(phone) -> bool:
    return phone.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def at(days: int, hour: int, minute: int = 30) -> dt.datetime:
    day = to_local(utcnow(), "Europe/Paris").date() + dt.timedelta(days=days)
    return local_to_utc(dt.datetime.combine(day, dt.time(hour, minute)), "Europe/Paris")


@pytest.fixture
def dune(transactional_db):
    film = find_or_create_film(
        title="Dune : deuxième partie",
        allocine_id="2024",
        synopsis="Paul Atréides s'unit à Chani et aux Fremen.",
        duration_minutes=166,
        directors=["Denis Villeneuve"],
        cast=["Timothée Chalamet", "Zendaya"],
        genres=["Science-fiction", "Aventure"],
        allocine_url="https://www.allocine.fr/film/fichefilm_gen_cfilm=2024.html",
    )
    bellecour = OfferFactory(
        film=film,
        name=film.title,
        venue=VenueFactory(
            name="Ciné Lumière Bellecour",
            city="Lyon",
            postal_code="69002",
            latitude="45.757800",
            longitude="4.832000",
        ),
    )
    villeurbanne = OfferFactory(
        film=film,
        name=film.title,
        is_duo=True,
        venue=VenueFactory(
            name="Le Zola",
            city="Villeurbanne",
            postal_code="69100",
            latitude="45.766000",
            longitude="4.880000",
        ),
    )

    def show(offer, when, **kwargs):
        return StockFactory(offer=offer, beginning_datetime=when, booking_limit_datetime=when, **kwargs)

    stocks = {
        "vf": show(bellecour, at(1, 18), version="VF", price_cents=750, quantity=None),
        "vo": show(bellecour, at(1, 20), version="VO", price_cents=750, quantity=10, booked_quantity=7),
        "zola": show(villeurbanne, at(1, 21), version="VO", price_cents=550, quantity=None),
        "free": show(villeurbanne, at(1, 14, 0), version="VF", price_cents=0, quantity=None),
        "later": show(bellecour, at(3, 20), version="VF", price_cents=750, quantity=None),
    }
    return film, bellecour, villeurbanne, stocks


def test_an_old_offer_link_opens_the_film_and_day_chips_change_the_day(live_server, dune, page):
    film, bellecour, _zola, stocks = dune
    phone = phone_page(page)
    phone.goto(f"{live_server.url}/offres/{bellecour.pk}/?{BELLECOUR}")
    phone.wait_for_url(f"**/films/{film.pk}/?*cinema={bellecour.pk}*")

    assert phone.get_by_role("heading", level=1).inner_text() == "Dune : deuxième partie"
    chips = phone.get_by_role("navigation", name="Jours de séance").get_by_role("link")
    assert chips.all_inner_texts()[0] == "Demain"
    assert len(chips.all_inner_texts()) == 2
    assert phone.locator(".film-page__cinema").first.inner_text().startswith("Ciné Lumière Bellecour")
    vo = phone.get_by_role("link", name="20h30 VO 7,50 € 3 places")
    assert vo.get_attribute("href") == f"/reserver/{stocks['vo'].pk}/"
    assert no_horizontal_scroll(phone)
    assert_accessible(phone, "film-page-phone")
    screenshot(phone, "film-page-phone")

    chips.nth(1).click()
    phone.wait_for_url("**jour=*")
    assert (
        phone.get_by_role("link", name="20h30 VF 7,50 €").get_attribute("href")
        == f"/reserver/{stocks['later'].pk}/"
    )
    assert phone.locator(".film-page__cinema").count() == 1
    assert "Jeanne" not in phone.locator(".film-page__facts").inner_text()
    assert "Denis Villeneuve" in phone.locator(".film-page__facts").inner_text()
    assert_accessible(phone, "film-page-other-day-phone")
    screenshot(phone, "film-page-other-day-phone")


def reasons_of(phone) -> list[tuple[str, str]]:
    """(accessible text, described-by text) of every showtime button that cannot be used."""
    return phone.eval_on_selector_all(
        "button[aria-disabled='true']",
        "buttons => buttons.map(b => [b.innerText.replace(/\\s+/g, ' ').trim(),"
        " document.getElementById(b.getAttribute('aria-describedby')).innerText])",
    )


def test_an_expired_credit_sees_why_before_the_tap_and_free_showtimes_stay_open(
    live_server, dune, page, client
):
    film, _b, _z, stocks = dune
    user = UserFactory()
    DepositFactory(
        user=user, granted_at=utcnow() - dt.timedelta(days=800), expires_at=utcnow() - dt.timedelta(days=70)
    )
    phone = phone_page(page)
    log_in(phone, client, user, live_server.url)
    phone.goto(f"{live_server.url}/films/{film.pk}/?{BELLECOUR}")

    alert = phone.locator(".film-page__alert[data-code='DEPOSIT_EXPIRED']")
    assert "Ton crédit pass Culture a expiré" in alert.inner_text()
    reasons = reasons_of(phone)
    assert len(reasons) == 3
    assert all(text.endswith("Crédit expiré") and "a expiré" in why for text, why in reasons)
    # The button is named by its visible text (no aria-label), and stays reachable by keyboard.
    button = phone.get_by_role("button", name="18h30 VF 7,50 € Crédit expiré")
    assert button.get_attribute("aria-label") is None
    button.focus()
    assert phone.evaluate("() => document.activeElement.getAttribute('aria-disabled')") == "true"
    free = phone.get_by_role("link", name="14h00 VF Gratuit")
    assert free.get_attribute("href") == f"/reserver/{stocks['free'].pk}/"
    assert no_horizontal_scroll(phone)
    assert_accessible(phone, "film-page-expired-credit-phone")
    screenshot(phone, "film-page-expired-credit-phone")


def test_a_17_year_old_sees_when_they_can_book(live_server, dune, page, client):
    film = dune[0]
    today = to_local(utcnow(), "Europe/Paris").date()
    birth = today.replace(year=today.year - 17) - dt.timedelta(days=30)
    seventeen = UserFactory(birth_date=birth)
    phone = phone_page(page)
    log_in(phone, client, seventeen, live_server.url)
    phone.goto(f"{live_server.url}/films/{film.pk}/?{BELLECOUR}")

    assert (
        "Pas encore : tu pourras demander ton crédit"
        in phone.locator(".film-page__alert[data-code='NOT_YET_ELIGIBLE']").inner_text()
    )
    assert f"{birth.day} " in phone.locator(".film-page__alert").inner_text()
    assert f" {birth.year + 18}." in phone.locator(".film-page__alert").inner_text()  # the 18th birthday
    reasons = reasons_of(phone)
    assert len(reasons) == 4
    assert all(text.endswith("Pas encore de crédit") for text, _why in reasons)
    assert phone.get_by_role("link", name="14h00", exact=False).count() == 0
    assert_accessible(phone, "film-page-17-year-old-phone")
    screenshot(phone, "film-page-17-year-old-phone")


def test_an_already_booked_cinema_says_so_and_the_other_cinema_stays_open(live_server, dune, page, client):
    film, _bellecour, _zola, stocks = dune
    user = UserFactory()
    DepositFactory(user=user)
    book_offer(user, stocks["later"].pk)
    phone = phone_page(page)
    log_in(phone, client, user, live_server.url)
    phone.goto(f"{live_server.url}/films/{film.pk}/?{BELLECOUR}")

    bellecour = phone.locator(".film-page__cinema").filter(has_text="Ciné Lumière Bellecour")
    assert "Tu as déjà réservé ce film dans ce cinéma" in bellecour.inner_text()
    assert bellecour.get_by_role("link", name="Voir mes réservations").count() == 1
    reasons = reasons_of(phone)
    assert [text for text, _why in reasons] == [
        "18h30 VF 7,50 € Déjà réservé",
        "20h30 VO 7,50 € Déjà réservé",
    ]
    assert all(why.startswith("Tu as déjà réservé ce film dans ce cinéma") for _text, why in reasons)
    assert (
        phone.get_by_role("link", name="21h30 VO 5,50 €").get_attribute("href")
        == f"/reserver/{stocks['zola'].pk}/"
    )
    assert no_horizontal_scroll(phone)
    assert_accessible(phone, "film-page-already-booked-phone")
    screenshot(phone, "film-page-already-booked-phone")

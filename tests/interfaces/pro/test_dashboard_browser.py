"""The pro home page in a real browser at 1440x900: figures, charts with their data, the checklist,
today's showtimes; axe, no horizontal scroll."""

import datetime as dt

import pytest

from passculture.core.bookings.factories import BookingFactory
from passculture.core.films.factories import FilmFactory
from passculture.core.finance.factories import BankAccountFactory, UsedBookingFactory
from passculture.core.finance.pricing import price_bookings
from passculture.core.offerers.factories import MembershipFactory, VenueFactory
from passculture.core.offers.factories import OfferFactory, StockFactory
from passculture.core.providers.allocine.models import AllocineTheater
from tests.browser import BROWSER_MARKS, assert_accessible, log_in, screenshot
from tests.conftest import utc

pytestmark = BROWSER_MARKS
NOW = utc(2026, 3, 17, 9, 0)  # Tuesday, 10:00 in Paris
TITLES = ["Orbite basse", "Les Voyageurs du Nord", "La Longue Nuit", "Un été à Quimper", "Le Dernier Métro"]


@pytest.fixture
def cinema(transactional_db, time_machine):
    time_machine.move_to(NOW, tick=True)
    venue = VenueFactory(name="Le Carré", offerer__name="Le Carré Nantais SAS")
    BankAccountFactory(venue=venue, accepted=True, decided_at=utc(2026, 1, 5, 9, 0))
    AllocineTheater.objects.create(siret=venue.siret, theater_id="P1234", is_active=True)  # not set up yet
    offers = [OfferFactory(venue=venue, name=title, film=FilmFactory(title=title)) for title in TITLES]
    stocks = [StockFactory(offer=offer, beginning_datetime=NOW + dt.timedelta(hours=9)) for offer in offers]
    for days_ago in range(30):
        for number in range((days_ago * 7) % 6 + (3 if days_ago % 7 in (2, 3) else 0)):
            BookingFactory(
                stock=stocks[(days_ago + number * number) % len(stocks)],
                booked_at=NOW - dt.timedelta(days=days_ago, hours=number),
                amount_cents=700,
            )
    UsedBookingFactory(stock__offer__venue=venue, amount_cents=2400, used_at=utc(2026, 3, 10, 12, 0))
    price_bookings(at=NOW)
    today = StockFactory(
        offer=offers[0], beginning_datetime=utc(2026, 3, 17, 19, 30), quantity=80, booked_quantity=12
    )
    return {"venue": venue, "user": MembershipFactory(offerer=venue.offerer).user, "today": today}


def test_the_home_page_tells_the_cinema_how_it_is_doing(page, live_server, client, cinema):
    expect = pytest.importorskip("playwright.sync_api").expect
    page.set_viewport_size({"width": 1440, "height": 900})
    log_in(page, client, cinema["user"], live_server.url)
    page.goto(f"{live_server.url}/pro/")

    expect(page.get_by_role("heading", level=1)).to_have_text("Accueil")
    expect(page.get_by_role("link", name="Créer une offre")).to_have_attribute(
        "href", "/pro/offres/nouvelle/"
    )
    assert "réservation" in page.locator("#figure-today").inner_text()
    expect(page.locator("#figure-transfer")).to_contain_text("24 €")
    onboarding = page.locator("#onboarding")
    expect(onboarding).to_contain_text("4 étapes sur 5 terminées")
    expect(onboarding.locator('[data-step="allocine"]')).to_contain_text("À faire")

    per_day = page.get_by_role("img", name="Réservations par jour, 30 derniers jours")
    expect(per_day).to_be_visible()
    assert per_day.locator("rect").count() >= 20
    expect(page.get_by_role("img", name="Films les plus réservés, 30 derniers jours")).to_be_visible()
    expect(page.get_by_role("progressbar", name="12 places réservées sur 80")).to_be_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "pro-dashboard")

    page.locator("#bookings-per-day summary").click()
    expect(page.locator("#bookings-per-day table tbody tr")).to_have_count(30)
    assert_accessible(page, "pro-dashboard")
    page.set_viewport_size({"width": 1280, "height": 800})
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "pro-dashboard-1280")

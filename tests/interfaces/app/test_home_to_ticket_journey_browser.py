"""The journey the issue names, on a phone (390x844), from the home feed: home → film → booking with the
"final at once" warning → ticket → add to calendar; then, from the same film page, a showtime days ahead
→ ticket → cancel. Each page is checked with axe next to its screenshot."""

import datetime as dt
from pathlib import Path

import pytest
from icalendar import Calendar

from passculture.core.bookings.constants import BookingStatus
from passculture.core.bookings.models import Booking
from passculture.core.common.time import now as utcnow
from passculture.core.credit.factories import DepositFactory
from passculture.core.films.services import find_or_create_film
from passculture.core.offerers.factories import VenueFactory
from passculture.core.offers.factories import OfferFactory, StockFactory
from passculture.core.users.factories import UserFactory
from tests.browser import BROWSER_MARKS, assert_accessible, log_in, screenshot

pytestmark = [*BROWSER_MARKS, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PHONE = {"width": 390, "height": 844}
H = dt.timedelta(hours=1)


@pytest.fixture
def programme(transactional_db):
    film = find_or_create_film(
        title="Orbite basse", year=2026, duration_minutes=102, genres=["Science-fiction"]
    )
    other = find_or_create_film(title="Le Phare", year=2026, duration_minutes=95, genres=["Drame"])
    venue = VenueFactory(
        name="Ciné Lumière Bellecour",
        address="2 place Bellecour",
        postal_code="69002",
        city="Lyon",
        latitude="45.757800",
        longitude="4.832000",
    )
    offer = OfferFactory(film=film, name=film.title, venue=venue, duration_minutes=102)
    tonight = StockFactory(offer=offer, beginning_datetime=utcnow() + 5 * H, price_cents=7_00)
    later = StockFactory(
        offer=OfferFactory(film=other, name=other.title, venue=venue, duration_minutes=95),
        beginning_datetime=utcnow() + 4 * 24 * H,
        price_cents=7_00,
    )
    return film, tonight, other, later


def test_from_the_home_feed_to_a_final_ticket_its_calendar_file_then_a_cancelled_one(
    page, live_server, client, programme
):
    film, tonight, other, later = programme
    user = UserFactory(postal_code="69002", city="Lyon")
    DepositFactory(user=user)
    page.set_viewport_size(PHONE)
    log_in(page, client, user, live_server.url)

    page.goto(f"{live_server.url}/")
    screenshot(page, "journey-issue-01-home")
    assert_accessible(page, "journey-issue-01-home")
    page.get_by_role("link", name="Orbite basse").first.click()
    page.wait_for_url(f"{live_server.url}/films/{film.pk}/**")
    assert page.get_by_role("heading", level=1).inner_text() == "Orbite basse"
    screenshot(page, "journey-issue-02-film")
    assert_accessible(page, "journey-issue-02-film")

    page.locator(f'a[href="/reserver/{tonight.pk}/"]').click()
    page.wait_for_url(f"{live_server.url}/reserver/{tonight.pk}/")
    assert "ne pourra pas être annulée" in page.locator('[data-code="FINAL_AT_ONCE"]').inner_text()
    screenshot(page, "journey-issue-03-book-final")
    assert_accessible(page, "journey-issue-03-book-final")
    page.get_by_role("button", name="Réserver sans annulation possible").click()

    final = Booking.objects.get(user=user, stock=tonight)
    page.wait_for_url(f"{live_server.url}/reservations/{final.pk}/")
    assert page.locator("[data-countermark]").inner_text() == final.token
    assert page.get_by_text("Annuler la réservation").count() == 0
    screenshot(page, "journey-issue-04-ticket")
    assert_accessible(page, "journey-issue-04-ticket")
    with page.expect_download() as download:
        page.get_by_role("link", name="Ajouter à mon agenda").click()
    [event] = Calendar.from_ical(Path(download.value.path()).read_bytes()).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Orbite basse"

    # That one is final; another film, four days ahead, is booked from the home feed, then cancelled.
    page.get_by_role("link", name="Accueil").click()
    page.wait_for_url(f"{live_server.url}/")
    page.get_by_role("link", name="Le Phare").first.click()
    page.wait_for_url(f"{live_server.url}/films/{other.pk}/**")
    page.locator(f'a[href="/reserver/{later.pk}/"]').click()
    page.wait_for_url(f"{live_server.url}/reserver/{later.pk}/")
    assert page.locator('[data-code="FINAL_AT_ONCE"]').count() == 0
    page.get_by_role("button", name="Confirmer la réservation").click()
    ahead = Booking.objects.get(user=user, stock=later)
    page.wait_for_url(f"{live_server.url}/reservations/{ahead.pk}/")
    page.get_by_text("Annuler la réservation").click()
    page.get_by_role("button", name="Confirmer l'annulation").click()
    page.wait_for_load_state()
    ahead.refresh_from_db()
    assert ahead.status == BookingStatus.CANCELLED
    screenshot(page, "journey-issue-05-cancelled")
    assert_accessible(page, "journey-issue-05-cancelled")

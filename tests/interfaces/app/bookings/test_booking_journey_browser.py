"""Booking journeys on a phone (390x844): a last-minute showtime warned as final before confirming, its
ticket, its calendar file and no way to cancel; a showtime days ahead booked as a duo then cancelled;
and "Mes réservations" as short tabs of compact cards.

Each page state is checked with axe (`assert_accessible`) next to its screenshot."""

import datetime as dt
import re
from pathlib import Path

import pytest
from icalendar import Calendar

from passculture.core.bookings.constants import BookingStatus, CancellationReason
from passculture.core.bookings.factories import BookingFactory
from passculture.core.bookings.models import Booking
from passculture.core.common.time import now as utcnow
from passculture.core.credit.factories import DepositFactory
from passculture.core.offerers.factories import VenueFactory
from passculture.core.offers.factories import StockFactory
from passculture.core.users.factories import UserFactory
from tests.browser import BROWSER_MARKS, assert_accessible, log_in, screenshot

pytestmark = [*BROWSER_MARKS, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PHONE = {"width": 390, "height": 844}
H = dt.timedelta(hours=1)


@pytest.fixture
def venue(transactional_db):
    return VenueFactory(
        name="Ciné Lumière Bellecour",
        address="12 rue de la République",
        postal_code="69002",
        city="Lyon",
        latitude="45.760000",
        longitude="4.835000",
    )


@pytest.fixture
def beneficiary(transactional_db):
    user = UserFactory(first_name="Léa")
    DepositFactory(user=user)
    return user


@pytest.fixture
def phone(page, live_server, client, beneficiary):
    page.set_viewport_size(PHONE)
    log_in(page, client, beneficiary, live_server.url)
    return page


def _no_sideways_scroll(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= innerWidth")


def test_a_last_minute_showtime_is_warned_final_before_confirming_then_has_no_cancel(
    phone, live_server, venue, beneficiary
):
    page = phone
    stock = StockFactory(
        offer__venue=venue,
        offer__name="Ce soir ou jamais",
        offer__duration_minutes=95,
        price_cents=6_00,
        beginning_datetime=utcnow() + 5 * H,
    )

    page.goto(f"{live_server.url}/reserver/{stock.pk}/")
    warning = page.locator('[data-code="FINAL_AT_ONCE"]')
    assert warning.is_visible()
    assert "Cette réservation ne pourra pas être annulée" in warning.inner_text()
    button = page.get_by_role("button", name="Réserver sans annulation possible")
    # Seen before confirming: right above the button, and both on the first screen.
    warning_box, button_box = warning.bounding_box(), button.bounding_box()
    assert warning_box["y"] + warning_box["height"] <= button_box["y"]
    assert button_box["y"] + button_box["height"] <= PHONE["height"] + 200
    assert button.get_attribute("aria-describedby") == "final-at-once"
    assert page.get_by_role("button", name="Confirmer la réservation").count() == 0
    assert _no_sideways_scroll(page)
    screenshot(page, "app-book-final-at-once")
    assert_accessible(page, "app-book-final-at-once")
    button.click()

    booking = Booking.objects.get(user=beneficiary)
    page.wait_for_url(f"{live_server.url}/reservations/{booking.pk}/")
    assert page.locator("[data-countermark]").inner_text() == booking.token
    assert page.locator(".bk-qr svg").is_visible()
    cancellation = page.locator(".cancellation")
    assert "Annulation impossible" in cancellation.inner_text()
    assert "Réservée moins de 48 h avant la séance" in cancellation.inner_text()
    assert page.get_by_text("Annuler la réservation").count() == 0
    assert page.get_by_role("link", name="Itinéraire vers le cinéma").get_attribute("href") == (
        "https://www.openstreetmap.org/directions?to=45.760000%2C4.835000"
    )
    assert _no_sideways_scroll(page)
    screenshot(page, "app-ticket-final-at-once")
    assert_accessible(page, "app-ticket-final-at-once")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Ajouter à mon agenda").click()
    download = download_info.value
    assert download.suggested_filename == f"seance-{booking.token.lower()}.ics"
    calendar = Calendar.from_ical(Path(download.path()).read_bytes())
    [event] = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Ce soir ou jamais"
    assert str(event["LOCATION"]) == "Ciné Lumière Bellecour, 12 rue de la République, 69002 Lyon"
    assert f"Contremarque : {booking.token}" in str(event["DESCRIPTION"])
    assert event.decoded("dtstart") == stock.beginning_datetime.replace(
        microsecond=0
    )  # iCalendar has seconds
    assert event.decoded("dtend") - event.decoded("dtstart") == dt.timedelta(minutes=95)


def test_a_showtime_days_ahead_is_booked_as_a_duo_then_cancelled(phone, live_server, venue, beneficiary):
    page = phone
    stock = StockFactory(
        offer__venue=venue,
        offer__name="Orbite basse",
        offer__is_duo=True,
        price_cents=7_50,
        beginning_datetime=utcnow() + 5 * 24 * H,
    )

    page.goto(f"{live_server.url}/reserver/{stock.pk}/")
    assert page.locator('[data-code="FINAL_AT_ONCE"]').count() == 0
    one, two = (
        page.get_by_role("radio", name=re.compile("1 place")),
        page.get_by_role("radio", name=re.compile("2 places")),
    )
    assert one.is_checked() and not two.is_checked()
    assert "15 €" in page.locator("label[for=quantity-2]").inner_text().replace("\u00a0", " ")
    page.locator("label[for=quantity-2]").click()
    assert two.is_checked()
    assert "Tu pourras annuler jusqu'au" in page.inner_text("main")
    screenshot(page, "app-book-duo-choice")
    assert_accessible(page, "app-book-duo-choice")
    page.get_by_role("button", name="Confirmer la réservation").click()

    booking = Booking.objects.get(user=beneficiary)
    assert booking.quantity == 2
    page.wait_for_url(f"{live_server.url}/reservations/{booking.pk}/")
    assert page.get_by_role("link", name="Ajouter à mon agenda").is_visible()
    screenshot(page, "app-ticket-cancellable")
    assert_accessible(page, "app-ticket-cancellable")
    page.get_by_text("Annuler la réservation").click()
    assert "15 € seront recrédités sur ton pass Culture." in page.inner_text("main").replace("\u00a0", " ")
    page.get_by_role("button", name="Confirmer l'annulation").click()

    page.wait_for_url(f"{live_server.url}/reservations/?onglet=annulees")
    assert "15 € ont été recrédités sur ton pass Culture" in page.get_by_role("status").inner_text().replace(
        "\u00a0", " "
    )
    assert "Annulée par toi" in page.locator("#annulees").inner_text()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED


def test_my_four_bookings_fit_in_short_tabs_without_qr_codes(phone, live_server, venue, beneficiary):
    page = phone
    now = utcnow()
    for name, start in (("Orbite basse", now + 2 * 24 * H), ("Le Phare", now + 6 * 24 * H)):
        BookingFactory(
            user=beneficiary,
            stock=StockFactory(offer__venue=venue, offer__name=name, beginning_datetime=start),
        )
    BookingFactory(
        user=beneficiary,
        stock=StockFactory(
            offer__venue=venue, offer__name="Nuit blanche", beginning_datetime=now - 3 * 24 * H
        ),
        booked_at=now - 5 * 24 * H,
        status=BookingStatus.USED,
        used_at=now - 3 * 24 * H,
    )
    BookingFactory(
        user=beneficiary,
        stock=StockFactory(offer__venue=venue, offer__name="Avant-première"),
        status=BookingStatus.CANCELLED,
        cancelled_at=now - H,
        cancellation_reason=CancellationReason.OFFERER,
    )

    page.goto(f"{live_server.url}/reservations/")
    tabs = page.get_by_role("navigation", name="Mes réservations par état")
    assert tabs.get_by_role("link").all_inner_texts() == ["À venir (2)", "Passées (1)", "Annulées (1)"]
    assert page.locator(".bk-card .fr-card__title").all_inner_texts() == ["Orbite basse", "Le Phare"]
    assert page.locator("svg").count() == 0  # no QR code on the list
    height = page.evaluate("() => document.documentElement.scrollHeight")
    # The page is shorter than the screen (scrollHeight is then the viewport's): where its footer ends.
    content = page.evaluate(
        "() => Math.round(document.querySelector('footer').getBoundingClientRect().bottom)"
    )
    print(
        f"\n/reservations/ at 390x844, four bookings (à venir tab): {height} px, content ends at {content} px"
    )
    assert height <= 1400, height  # was about 3,900 px with a QR code per booking
    assert _no_sideways_scroll(page)
    screenshot(page, "app-bookings-tab-upcoming")
    assert_accessible(page, "app-bookings-tab-upcoming")

    tabs.get_by_role("link", name="Passées (1)").click()
    page.wait_for_url(f"{live_server.url}/reservations/?onglet=passees")
    assert page.locator(".bk-card .fr-card__title").all_inner_texts() == ["Nuit blanche"]
    screenshot(page, "app-bookings-tab-past")
    assert_accessible(page, "app-bookings-tab-past")
    tabs.get_by_role("link", name="Annulées (1)").click()
    assert "Annulée par le cinéma" in page.locator(".bk-card").inner_text()
    screenshot(page, "app-bookings-tab-cancelled")
    assert_accessible(page, "app-bookings-tab-cancelled")

    # The whole card leads to the ticket.
    tabs.get_by_role("link", name="À venir (2)").click()
    page.locator(".bk-card").first.click(position={"x": 200, "y": 40})
    page.wait_for_url(re.compile(r"/reservations/\d+/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Orbite basse"
    assert page.locator(".bk-qr svg").is_visible()

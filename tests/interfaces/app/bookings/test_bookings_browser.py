"""Booking on a phone in a real browser: book a duo, read the QR code off the screen, cancel, credit back;
and the refusals a beneficiary meets (not enough credit, sold out, cancellation deadline passed)."""

import datetime as dt
import io
import re

import pytest
import zxingcpp
from PIL import Image

from passculture.core.bookings.factories import BookingFactory
from passculture.core.bookings.models import Booking
from passculture.core.bookings.services import book_offer
from passculture.core.common.time import local_to_utc, to_local
from passculture.core.common.time import now as utcnow
from passculture.core.credit.factories import DepositFactory
from passculture.core.credit.selectors import balance_of
from passculture.core.offerers.factories import VenueFactory
from passculture.core.offers.factories import StockFactory
from passculture.core.users.factories import UserFactory
from tests.browser import BROWSER_MARKS, assert_accessible, log_in, screenshot

pytestmark = [*BROWSER_MARKS, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PHONE = {"width": 390, "height": 844}
H = dt.timedelta(hours=1)


def decode_qr(png: bytes) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]


@pytest.fixture
def venue(transactional_db):
    return VenueFactory(
        name="Ciné Lumière Bellecour", address="12 rue de la République", postal_code="69002", city="Lyon"
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


def _in_five_days_at(hour: int, minute: int) -> dt.datetime:
    day = to_local(utcnow(), "Europe/Paris").date() + dt.timedelta(days=5)
    return local_to_utc(dt.datetime.combine(day, dt.time(hour, minute)), "Europe/Paris")


def test_book_a_duo_show_the_qr_code_cancel_and_get_the_credit_back(phone, live_server, venue, beneficiary):
    page = phone
    stock = StockFactory(
        offer__venue=venue,
        offer__name="Orbite basse",
        offer__is_duo=True,
        price_cents=7_50,
        beginning_datetime=_in_five_days_at(20, 30),
        version="VF",
    )

    page.goto(f"{live_server.url}/reserver/{stock.pk}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Réserver « Orbite basse »"
    assert "12 rue de la République, 69002 Lyon" in page.inner_text("main")
    assert "20h30" in page.inner_text("main")
    page.get_by_role("radio", name=re.compile("2 places")).check()
    screenshot(page, "app-book-duo")
    assert_accessible(page, "app-book-duo")
    page.get_by_role("button", name="Confirmer la réservation").click()

    booking = Booking.objects.get(user=beneficiary)
    page.wait_for_url(f"{live_server.url}/reservations/{booking.pk}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Orbite basse"
    assert page.locator("[data-countermark]").inner_text() == booking.token
    assert "15 €" in page.inner_text("main").replace("\u00a0", " ")
    qr = page.locator(".qr svg")
    box = qr.bounding_box()
    assert box is not None and box["width"] >= 250  # large enough to scan from a phone screen
    screenshot(page, "app-booking-confirmation")
    assert_accessible(page, "app-booking-confirmation")
    assert decode_qr(qr.screenshot(caret="initial")) == [f"PASSCULTURE:v3;TOKEN:{booking.token}"]
    # The whole phone screen too, as the counter's scanner would see it.
    assert f"PASSCULTURE:v3;TOKEN:{booking.token}" in decode_qr(page.screenshot(caret="initial"))
    assert balance_of(beneficiary).remaining_cents == 285_00

    page.get_by_text("Annuler la réservation").click()
    page.get_by_role("button", name="Confirmer l'annulation").click()
    page.wait_for_url(f"{live_server.url}/reservations/?onglet=annulees")
    assert "15 € ont été recrédités" in page.get_by_role("status").inner_text().replace("\u00a0", " ")
    cancelled = page.locator("#annulees")
    assert "Orbite basse" in cancelled.inner_text()
    assert "Annulée par toi" in cancelled.inner_text()
    assert cancelled.locator(".qr").count() == 0
    screenshot(page, "app-bookings-after-cancel")
    assert_accessible(page, "app-bookings-after-cancel")
    assert balance_of(beneficiary).remaining_cents == 300_00

    page.goto(f"{live_server.url}/credit/")
    assert page.locator("[data-remaining]").inner_text().replace("\u00a0", " ") == "300 €"
    history = page.locator("table.history").inner_text()
    assert "Remboursement « Orbite basse », 2 places (duo)" in history
    assert "Réservation « Orbite basse », 2 places (duo)" in history
    screenshot(page, "app-credit")
    assert_accessible(page, "app-credit")


def test_not_enough_credit_is_said_before_confirming(phone, live_server, venue):
    page = phone
    stock = StockFactory(offer__venue=venue, offer__name="Avant-première", price_cents=300_01)
    page.goto(f"{live_server.url}/reserver/{stock.pk}/")
    alert = page.get_by_role("alert")
    assert "Le solde de ton pass Culture est insuffisant pour cette réservation." in alert.inner_text()
    assert page.get_by_role("button", name="Confirmer la réservation").count() == 0
    screenshot(page, "app-book-insufficient-credit")
    assert_accessible(page, "app-book-insufficient-credit")


def test_sold_out_while_confirming_keeps_the_page_with_the_reason(phone, live_server, venue, beneficiary):
    page = phone
    stock = StockFactory(offer__venue=venue, offer__name="Dernière séance", quantity=1)
    page.goto(f"{live_server.url}/reserver/{stock.pk}/")
    # Someone else takes the last place while this page is open.
    other = UserFactory()
    DepositFactory(user=other)
    book_offer(other, stock.pk)
    page.get_by_role("button", name="Confirmer la réservation").click()
    alert = page.get_by_role("alert")
    assert "Réservation impossible." in alert.inner_text()
    assert "Il n'y a plus assez de places disponibles pour cette séance." in alert.inner_text()
    assert not Booking.objects.filter(user=beneficiary).exists()
    screenshot(page, "app-book-sold-out")
    assert_accessible(page, "app-book-sold-out")


def test_past_the_cancellation_deadline_the_booking_says_why(phone, live_server, venue, beneficiary):
    page = phone
    start = utcnow() + 30 * H
    stock = StockFactory(offer__venue=venue, offer__name="Ce soir", beginning_datetime=start)
    booking = BookingFactory(
        user=beneficiary, stock=stock, booked_at=utcnow() - 42 * H, cancellation_limit_datetime=start - 48 * H
    )
    page.goto(f"{live_server.url}/reservations/{booking.pk}/")
    text = page.locator(".cancellation").inner_text()
    assert text.startswith("Annulation impossible")
    assert "La séance commence dans moins de 48 h : la réservation est définitive depuis le " in text
    assert page.get_by_text("Annuler la réservation").count() == 0
    assert decode_qr(page.locator(".qr svg").screenshot(caret="initial")) == [
        f"PASSCULTURE:v3;TOKEN:{booking.token}"
    ]
    screenshot(page, "app-booking-final")
    assert_accessible(page, "app-booking-final")


def test_an_expired_credit_is_told_on_the_film_page_and_still_books_a_free_showtime(
    page, live_server, client, venue
):
    expired = UserFactory(first_name="Inès")
    DepositFactory(user=expired, granted_at=utcnow() - 800 * 24 * H, expires_at=utcnow() - 70 * 24 * H)
    page.set_viewport_size(PHONE)
    log_in(page, client, expired, live_server.url)
    free = StockFactory(
        offer__venue=venue, offer__name="Ciné-club", price_cents=0, beginning_datetime=_in_five_days_at(18, 0)
    )
    paid_stock = StockFactory(offer=free.offer, price_cents=7_50, beginning_datetime=_in_five_days_at(20, 30))

    page.goto(f"{live_server.url}/offres/{free.offer.pk}/")
    # The film page says it before the tap: the paid showtime is off, with why; the free one stays open.
    notice = page.locator('.film-page__alert[data-code="DEPOSIT_EXPIRED"]')
    assert "tu ne peux plus réserver de séance payante" in notice.inner_text()
    assert "Les séances gratuites restent réservables." in notice.inner_text()
    paid = page.get_by_role("button", name=re.compile("^20h30 .*Crédit expiré"))
    assert paid.get_attribute("aria-disabled") == "true"
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    screenshot(page, "app-film-expired-credit")
    assert_accessible(page, "app-film-expired-credit")

    # The booking page refuses the paid one all the same (a link kept from before).
    page.goto(f"{live_server.url}/reserver/{paid_stock.pk}/")
    alert = page.get_by_role("alert")
    assert "tu ne peux plus réserver d'offre payante" in alert.inner_text()
    assert page.get_by_role("button", name="Confirmer la réservation").count() == 0
    screenshot(page, "app-book-paid-expired-credit")
    assert_accessible(page, "app-book-paid-expired-credit")

    page.go_back()
    page.get_by_role("link", name=re.compile("^18h00 .*Gratuit")).click()
    assert "cette séance est gratuite : tu peux la réserver" in page.get_by_role("status").inner_text()
    screenshot(page, "app-book-free-expired-credit")
    assert_accessible(page, "app-book-free-expired-credit")
    page.get_by_role("button", name="Confirmer la réservation").click()

    booking = Booking.objects.get(user=expired)
    page.wait_for_url(f"{live_server.url}/reservations/{booking.pk}/")
    assert booking.total_amount_cents == 0


def test_two_credits_of_the_2025_policy_show_as_one_balance_and_each_credit(page, live_server, client, venue):
    from passculture.core.credit.models import CreditPolicy

    user = UserFactory(first_name="Noé")
    policies = {p.age: p for p in CreditPolicy.objects.filter(code__in=["GRANT_17_2025", "GRANT_18_2025"])}
    expires = utcnow() + 700 * 24 * H
    DepositFactory(
        user=user,
        policy=policies[17],
        amount_cents=50_00,
        granted_at=utcnow() - 300 * 24 * H,
        expires_at=expires,
    )
    DepositFactory(
        user=user, policy=policies[18], amount_cents=150_00, granted_at=utcnow() - 24 * H, expires_at=expires
    )
    book_offer(user, StockFactory(offer__venue=venue, offer__name="Orbite basse", price_cents=8_00).pk)
    page.set_viewport_size(PHONE)
    log_in(page, client, user, live_server.url)

    page.goto(f"{live_server.url}/credit/")

    assert page.locator("[data-remaining]").inner_text().replace("\u00a0", " ") == "192 €"
    parts = [text.replace("\u00a0", " ") for text in page.locator("[data-credit-part]").all_inner_texts()]
    assert parts[0].startswith("Crédit de 17 ans") and "42 € restants sur 50 €" in parts[0]
    assert parts[1].startswith("Crédit de 18 ans") and "150 € restants sur 150 €" in parts[1]
    history = page.locator("table.history").inner_text()
    assert "Crédit pass Culture attribué (crédit de 17 ans)" in history
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    screenshot(page, "app-credit-two-credits")
    assert_accessible(page, "app-credit-two-credits")

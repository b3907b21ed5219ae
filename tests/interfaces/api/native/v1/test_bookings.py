import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from passculture.core.bookings.constants import BookingStatus, CancellationReason
from passculture.core.bookings.factories import BookingFactory
from passculture.core.bookings.models import Booking
from passculture.core.bookings.services import book_offer
from passculture.core.credit.factories import DepositFactory
from passculture.core.credit.selectors import balance_of
from passculture.core.offers.factories import OfferFactory, StockFactory, ThingStockFactory
from passculture.core.users.factories import UserFactory

pytestmark = pytest.mark.django_db


def assert_error(response, status, code):
    assert (response.status_code, response.json()["code"]) == (status, code), response.json()
    assert response.json()["message"]


# --- POST /bookings -----------------------------------------------------------------------------


def test_booking_returns_the_booking_id_and_debits_the_credit(beneficiary, client_of, stock):
    response = client_of.post("/bookings", {"stockId": stock.pk, "quantity": 1})

    assert response.status_code == 200
    assert set(response.json()) == {"bookingId"}
    booking = Booking.objects.get(pk=response.json()["bookingId"])
    assert (booking.user, booking.stock) == (beneficiary, stock)
    assert balance_of(beneficiary).remaining_cents == 300_00 - stock.price_cents


def test_a_duo_offer_can_be_booked_for_two(client_of, venue):
    stock = StockFactory(offer__venue=venue, offer__is_duo=True)

    response = client_of.post("/bookings", {"stockId": stock.pk, "quantity": 2})

    assert Booking.objects.get(pk=response.json()["bookingId"]).quantity == 2


def test_booking_without_token_is_401_unauthenticated(anonymous, stock):
    assert_error(anonymous.post("/bookings", {"stockId": stock.pk, "quantity": 1}), 401, "UNAUTHENTICATED")


def test_booking_without_stock_id_is_422_invalid_input(client_of):
    response = client_of.post("/bookings", {"quantity": 1})

    assert_error(response, 422, "INVALID_INPUT")
    assert response.json()["errors"][0]["loc"][-1] == "stockId"


def test_booking_quantity_must_be_a_json_integer(client_of, stock):
    assert_error(client_of.post("/bookings", {"stockId": stock.pk, "quantity": "1"}), 422, "INVALID_INPUT")


def test_an_unparsable_body_is_400_invalid_json(client_of):
    assert_error(client_of.post("/bookings", "{not json"), 400, "INVALID_JSON")


def test_an_unknown_stock_is_404_stock_not_found(client_of):
    assert_error(client_of.post("/bookings", {"stockId": 999999, "quantity": 1}), 404, "STOCK_NOT_FOUND")


def test_a_pro_cannot_book_not_a_beneficiary(pro, as_user, stock):
    assert_error(
        as_user(pro).post("/bookings", {"stockId": stock.pk, "quantity": 1}), 403, "NOT_A_BENEFICIARY"
    )


def test_booking_without_deposit_is_403_no_deposit(as_user, stock):
    assert_error(
        as_user(UserFactory()).post("/bookings", {"stockId": stock.pk, "quantity": 1}), 403, "NO_DEPOSIT"
    )


def test_booking_with_an_expired_deposit_is_403_deposit_expired(as_user, stock):
    user = UserFactory()
    DepositFactory(user=user, granted_at=timezone.now() - dt.timedelta(days=800))

    assert_error(
        as_user(user).post("/bookings", {"stockId": stock.pk, "quantity": 1}), 403, "DEPOSIT_EXPIRED"
    )


def test_an_expired_deposit_still_books_a_free_offer_and_me_says_only_free_ones_remain(as_user, venue):
    user = UserFactory()
    DepositFactory(user=user, granted_at=timezone.now() - dt.timedelta(days=800))
    client = as_user(user)
    assert client.get("/me").json()["credit"]["freeOffersOnly"] is True
    assert client.get("/me/credit").json()["freeOffersOnly"] is True

    response = client.post(
        "/bookings", {"stockId": StockFactory(offer__venue=venue, price_cents=0).pk, "quantity": 1}
    )

    assert response.status_code == 200
    assert Booking.objects.get(pk=response.json()["bookingId"]).total_amount_cents == 0
    paid = StockFactory(offer__venue=venue, price_cents=1)
    assert_error(client.post("/bookings", {"stockId": paid.pk, "quantity": 1}), 403, "DEPOSIT_EXPIRED")


def test_booking_above_the_remaining_credit_is_400_insufficient_credit(client_of, venue):
    stock = StockFactory(offer__venue=venue, price_cents=300_01)

    assert_error(
        client_of.post("/bookings", {"stockId": stock.pk, "quantity": 1}), 400, "INSUFFICIENT_CREDIT"
    )


def test_a_digital_offer_above_the_digital_cap_is_400_digital_cap_reached(client_of, venue):
    stock = ThingStockFactory(
        offer__venue=venue, offer__url="https://vod.example.com/film", price_cents=100_01
    )

    assert_error(
        client_of.post("/bookings", {"stockId": stock.pk, "quantity": 1}), 400, "DIGITAL_CAP_REACHED"
    )


def test_booking_a_sold_out_showtime_is_400_not_enough_places(client_of, venue):
    stock = StockFactory(offer__venue=venue, quantity=3, booked_quantity=3)

    assert_error(client_of.post("/bookings", {"stockId": stock.pk, "quantity": 1}), 400, "NOT_ENOUGH_PLACES")


def test_booking_the_same_offer_twice_is_409_already_booked(beneficiary, client_of, stock):
    other_showtime = StockFactory(offer=stock.offer)
    book_offer(beneficiary, stock.pk, 1)

    assert_error(
        client_of.post("/bookings", {"stockId": other_showtime.pk, "quantity": 1}), 409, "ALREADY_BOOKED"
    )


def test_two_places_of_a_non_duo_offer_is_400_invalid_booking_quantity(client_of, stock):
    assert_error(
        client_of.post("/bookings", {"stockId": stock.pk, "quantity": 2}), 400, "INVALID_BOOKING_QUANTITY"
    )


def test_zero_places_is_400_invalid_booking_quantity(client_of, stock):
    assert_error(
        client_of.post("/bookings", {"stockId": stock.pk, "quantity": 0}), 400, "INVALID_BOOKING_QUANTITY"
    )


def test_booking_a_started_showtime_is_400_event_started(client_of, venue):
    started = timezone.now() - dt.timedelta(minutes=5)
    stock = StockFactory(offer__venue=venue, beginning_datetime=started, booking_limit_datetime=started)

    assert_error(client_of.post("/bookings", {"stockId": stock.pk, "quantity": 1}), 400, "EVENT_STARTED")


def test_booking_after_the_booking_limit_is_400_booking_limit_passed(client_of, venue):
    stock = StockFactory(offer__venue=venue, booking_limit_datetime=timezone.now() - dt.timedelta(minutes=1))

    assert_error(
        client_of.post("/bookings", {"stockId": stock.pk, "quantity": 1}), 400, "BOOKING_LIMIT_PASSED"
    )


def test_booking_an_inactive_offer_is_400_offer_inactive(client_of, venue):
    stock = StockFactory(offer__venue=venue, offer__is_active=False)

    assert_error(client_of.post("/bookings", {"stockId": stock.pk, "quantity": 1}), 400, "OFFER_INACTIVE")


def test_booking_a_deleted_showtime_is_400_stock_deleted(client_of, venue):
    stock = StockFactory(offer__venue=venue, is_deleted=True)

    assert_error(client_of.post("/bookings", {"stockId": stock.pk, "quantity": 1}), 400, "STOCK_DELETED")


# --- GET /bookings ------------------------------------------------------------------------------

BOOKING_KEYS = {
    "id", "status", "quantity", "amount", "totalAmount", "token", "qrCodePayload",
    "cancellationLimitDatetime", "isCancellable", "cancellationMessage", "notCancellableReason",
    "cancellationReason", "bookedAt", "usedAt", "cancelledAt", "stock", "offer", "tickets", "feedback",
    "priceCategoryLabel",
}  # fmt: skip


def test_a_confirmed_upcoming_booking_is_ongoing_with_its_token_and_qr_payload(beneficiary, client_of, venue):
    stock = StockFactory(offer__venue=venue, offer__is_duo=True, price_cents=7_50)
    booking = book_offer(beneficiary, stock.pk, 2)

    response = client_of.get("/bookings")

    assert response.status_code == 200
    body = response.json()
    assert body["endedBookings"] == []
    [out] = body["ongoingBookings"]
    assert set(out) == BOOKING_KEYS
    assert (out["id"], out["status"], out["quantity"]) == (booking.pk, "CONFIRMED", 2)
    assert (out["amount"], out["totalAmount"]) == (7_50, 15_00)
    assert out["token"] == booking.token
    assert out["qrCodePayload"] == f"PASSCULTURE:v3;TOKEN:{booking.token}"
    assert out["cancellationReason"] is None
    assert set(out["stock"]) == {"id", "beginningDatetime", "price", "version"}
    assert out["offer"]["id"] == stock.offer_id
    assert set(out["offer"]) == {"id", "name", "isDigital", "imageUrl", "venue"}
    assert out["offer"]["venue"] == {
        "id": venue.pk,
        "name": venue.name,
        "address": venue.address,
        "postalCode": venue.postal_code,
        "city": venue.city,
        "fullAddress": f"{venue.address}, {venue.postal_code} {venue.city}",
        "timezone": venue.timezone,
    }
    assert out["isCancellable"] is True
    assert out["notCancellableReason"] is None
    assert out["cancellationMessage"].startswith("Annulable jusqu'au ")


def test_a_cancelled_booking_is_ended_without_qr_payload(beneficiary, client_of, stock):
    BookingFactory(
        user=beneficiary,
        stock=stock,
        status=BookingStatus.CANCELLED,
        cancelled_at=timezone.now(),
        cancellation_reason=CancellationReason.OFFERER,
    )

    body = client_of.get("/bookings").json()

    assert body["ongoingBookings"] == []
    [out] = body["endedBookings"]
    assert out["qrCodePayload"] is None
    assert out["token"]
    assert out["cancellationReason"] == "OFFERER"


def test_a_used_booking_is_ended_without_qr_payload(beneficiary, client_of, stock):
    BookingFactory(user=beneficiary, stock=stock, status=BookingStatus.USED, used_at=timezone.now())

    [out] = client_of.get("/bookings").json()["endedBookings"]

    assert out["status"] == "USED"
    assert out["qrCodePayload"] is None


def test_a_confirmed_booking_of_a_finished_showtime_is_ended(beneficiary, client_of, venue):
    start = timezone.now() - dt.timedelta(hours=4)
    stock = StockFactory(offer__venue=venue, offer__duration_minutes=120, beginning_datetime=start)
    BookingFactory(user=beneficiary, stock=stock)

    body = client_of.get("/bookings").json()

    assert body["ongoingBookings"] == []
    assert body["endedBookings"][0]["qrCodePayload"] is None


def test_the_list_shows_only_my_bookings(client_of, stock):
    BookingFactory(stock=stock)

    assert client_of.get("/bookings").json() == {"ongoingBookings": [], "endedBookings": []}


def test_listing_bookings_takes_a_constant_number_of_queries(
    beneficiary, client_of, venue, django_assert_max_num_queries
):
    for _ in range(5):
        BookingFactory(user=beneficiary, stock=StockFactory(offer=OfferFactory(venue=venue)))

    # One query for the token's user, one for the bookings with their stock, offer and venue, one for
    # their tickets from the cinemas' systems.
    with django_assert_max_num_queries(3):
        assert len(client_of.get("/bookings").json()["ongoingBookings"]) == 5


def test_listing_bookings_without_token_is_401(anonymous):
    assert_error(anonymous.get("/bookings"), 401, "UNAUTHENTICATED")


# --- POST /bookings/{id}/cancel ------------------------------------------------------------------


def test_cancelling_my_booking_is_204_and_gives_the_credit_back(beneficiary, client_of, stock):
    booking = book_offer(beneficiary, stock.pk, 1)

    response = client_of.post(f"/bookings/{booking.pk}/cancel")

    assert response.status_code == 204
    assert response.content == b""
    booking.refresh_from_db()
    assert (booking.status, booking.cancellation_reason) == (BookingStatus.CANCELLED, "BENEFICIARY")
    assert balance_of(beneficiary).remaining_cents == 300_00


def test_cancelling_someone_elses_booking_is_404(as_user, stock):
    owner = UserFactory()
    DepositFactory(user=owner)
    booking = book_offer(owner, stock.pk, 1)
    intruder = UserFactory()
    DepositFactory(user=intruder)

    assert_error(as_user(intruder).post(f"/bookings/{booking.pk}/cancel"), 404, "BOOKING_NOT_FOUND")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


def test_cancelling_an_unknown_booking_is_404(client_of):
    assert_error(client_of.post("/bookings/999999/cancel"), 404, "BOOKING_NOT_FOUND")


def test_cancelling_after_the_cancellation_limit_is_400(beneficiary, client_of, stock):
    now = timezone.now()
    with time_machine.travel(now - dt.timedelta(hours=49), tick=False):
        booking = book_offer(beneficiary, stock.pk, 1)

    with time_machine.travel(now, tick=False):
        response = client_of.post(f"/bookings/{booking.pk}/cancel")

    assert_error(response, 400, "CANCELLATION_LIMIT_PASSED")


def test_cancelling_a_cancelled_booking_is_410_booking_cancelled(beneficiary, client_of, stock):
    booking = book_offer(beneficiary, stock.pk, 1)
    client_of.post(f"/bookings/{booking.pk}/cancel")

    assert_error(client_of.post(f"/bookings/{booking.pk}/cancel"), 410, "BOOKING_CANCELLED")


def test_cancelling_a_used_booking_is_400_booking_not_cancellable(beneficiary, client_of, stock):
    booking = BookingFactory(user=beneficiary, stock=stock, status=BookingStatus.USED, used_at=timezone.now())

    assert_error(client_of.post(f"/bookings/{booking.pk}/cancel"), 400, "BOOKING_NOT_CANCELLABLE")


def test_cancelling_without_token_is_401(anonymous, db):
    assert_error(anonymous.post("/bookings/1/cancel"), 401, "UNAUTHENTICATED")


# --- Cancellation state in the list -------------------------------------------------------------------


def test_a_booking_past_its_cancellation_limit_says_why_it_cannot_be_cancelled(beneficiary, client_of, venue):
    now = timezone.now()
    stock = StockFactory(offer__venue=venue, beginning_datetime=now + dt.timedelta(hours=30))
    BookingFactory(
        user=beneficiary,
        stock=stock,
        booked_at=now - dt.timedelta(hours=42),
        cancellation_limit_datetime=now - dt.timedelta(hours=18),
    )

    [out] = client_of.get("/bookings").json()["ongoingBookings"]

    assert out["isCancellable"] is False
    assert out["notCancellableReason"]["code"] == "SHOW_WITHIN_48H"
    assert out["notCancellableReason"]["message"].startswith("La séance commence dans moins de 48 h : ")
    assert out["cancellationMessage"] == out["notCancellableReason"]["message"]
    assert out["qrCodePayload"] == f"PASSCULTURE:v3;TOKEN:{out['token']}"


def test_a_cancelled_booking_is_not_cancellable(beneficiary, client_of, stock):
    BookingFactory(
        user=beneficiary,
        stock=stock,
        status=BookingStatus.CANCELLED,
        cancelled_at=timezone.now(),
        cancellation_reason=CancellationReason.BENEFICIARY,
    )
    [out] = client_of.get("/bookings").json()["endedBookings"]
    assert (out["isCancellable"], out["notCancellableReason"]["code"]) == (False, "BOOKING_CANCELLED")


# --- GET /bookings/{id} -----------------------------------------------------------------------------


def test_one_of_my_bookings(beneficiary, client_of, stock):
    booking = book_offer(beneficiary, stock.pk, 1)

    response = client_of.get(f"/bookings/{booking.pk}")

    assert response.status_code == 200
    out = response.json()
    assert set(out) == BOOKING_KEYS
    assert (out["id"], out["token"]) == (booking.pk, booking.token)
    assert out["qrCodePayload"] == f"PASSCULTURE:v3;TOKEN:{booking.token}"
    assert out["isCancellable"] is True


def test_the_qr_payload_of_one_booking_disappears_once_used(beneficiary, client_of, stock):
    booking = BookingFactory(user=beneficiary, stock=stock, status=BookingStatus.USED, used_at=timezone.now())
    out = client_of.get(f"/bookings/{booking.pk}").json()
    assert out["qrCodePayload"] is None
    assert out["notCancellableReason"]["code"] == "BOOKING_ALREADY_USED"


def test_another_users_booking_is_404_booking_not_found(as_user, stock):
    owner = UserFactory()
    DepositFactory(user=owner)
    booking = book_offer(owner, stock.pk, 1)

    assert_error(as_user(UserFactory()).get(f"/bookings/{booking.pk}"), 404, "BOOKING_NOT_FOUND")


def test_an_unknown_booking_is_404_booking_not_found(client_of):
    assert_error(client_of.get("/bookings/999999"), 404, "BOOKING_NOT_FOUND")


def test_one_booking_without_token_is_401(anonymous, db):
    assert_error(anonymous.get("/bookings/1"), 401, "UNAUTHENTICATED")


def test_a_booking_gives_the_price_category_booked(beneficiary, client_of, venue):
    from passculture.core.offers import price_categories
    from passculture.core.offers.models import Stock

    stock = StockFactory(offer__venue=venue, price_cents=5_50)
    category = price_categories.create_price_category(stock.offer, label="Tarif réduit", price_cents=5_50)
    Stock.objects.filter(pk=stock.pk).update(price_category=category)
    book_offer(beneficiary, stock.pk)
    [out] = client_of.get("/bookings").json()["ongoingBookings"]
    assert (out["priceCategoryLabel"], out["amount"]) == ("Tarif réduit", 5_50)

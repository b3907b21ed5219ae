"""Contract tests of the four countermark routes: statuses, v2 bodies, every refusal's code, cross-offerer."""

import datetime as dt

import pytest

from passculture.core.bookings.constants import (
    BookingStatus,
    CancellationReason,
    CounterChannel,
    CounterResult,
)
from passculture.core.bookings.models import Booking, CounterAttempt
from passculture.core.bookings.services import CounterActor, book_offer, validate_countermark
from passculture.core.credit.factories import DepositFactory
from passculture.core.credit.selectors import balance_of
from passculture.core.offerers import api_keys
from passculture.core.offerers.factories import MembershipFactory
from passculture.core.offers.factories import StockFactory
from passculture.core.providers.allocine.models import AllocineTheater, AllocineVenueSettings
from passculture.core.users.factories import UserFactory

from .conftest import CLIENT_IP, USER_AGENT, ApiClient

pytestmark = pytest.mark.django_db

V2_FIELDS = {
    "bookingId",
    "dateOfBirth",
    "datetime",
    "ean13",
    "email",
    "formula",
    "isUsed",
    "offerId",
    "publicOfferId",
    "offerName",
    "offerType",
    "phoneNumber",
    "price",
    "quantity",
    "theater",
    "userName",
    "firstName",
    "lastName",
    "venueAddress",
    "venueDepartmentCode",
    "venueName",
}
PERSONAL = ("camille.martin@example.com", "+33612345678", "2007-05-14", "Martin")


def status_of(token: str) -> str:
    return Booking.objects.get(token=token).status


# --- GET bookings/token/{token} -----------------------------------------------------------------


def test_get_answers_the_booking_with_the_v2_fields(api, scenario, venue):
    booking = scenario["XK4F2M"]

    response = api.get("XK4F2M")

    assert response.status_code == 200
    body = response.json()
    assert set(body) == V2_FIELDS
    start = booking.stock.beginning_datetime.astimezone(dt.UTC)
    assert body == {
        "bookingId": str(booking.pk),
        "dateOfBirth": "2007-05-14",
        "datetime": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "ean13": None,
        "email": "camille.martin@example.com",
        "formula": "PLACE",
        "isUsed": False,
        "offerId": booking.offer_id,
        "publicOfferId": str(booking.offer_id),
        "offerName": "Le Voyage dans la Lune",
        "offerType": "EVENEMENT",
        "phoneNumber": "+33612345678",
        "price": 7.5,
        "quantity": 1,
        "theater": {},
        "userName": "Camille Martin",
        "firstName": "Camille",
        "lastName": "Martin",
        "venueAddress": f"{venue.address}, {venue.postal_code} {venue.city}",
        "venueDepartmentCode": "75",
        "venueName": venue.display_name,
    }
    assert status_of("XK4F2M") == BookingStatus.CONFIRMED


def test_get_of_a_cinema_card_is_a_thing_without_date(api, scenario):
    body = api.get("CARTE5").json()

    assert (body["datetime"], body["formula"], body["offerType"], body["price"]) == ("", "ABO", "BIEN", 25.0)


def test_datetime_is_utc_whatever_the_venue_timezone(pro, beneficiary):
    reunion = MembershipFactory(user=pro, offerer__name="Cinéma de La Réunion").offerer
    stock = StockFactory(
        offer__venue__offerer=reunion,
        offer__venue__timezone="Indian/Reunion",
        offer__venue__department_code="974",
        beginning_datetime=dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(hours=3),
    )
    booking = book_offer(beneficiary, stock.pk)

    body = ApiClient(basic=(pro.email, "Test-password-2026!")).get(booking.token).json()

    assert body["datetime"] == stock.beginning_datetime.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert body["venueDepartmentCode"] == "974"


def test_countermarks_are_case_insensitive_and_qr_payloads_accepted(api, scenario):
    assert api.get("xk4f2m").status_code == 200
    assert api.get("PASSCULTURE:v3;TOKEN:xk4f2m").status_code == 200


def test_allocine_offer_gives_movie_and_room_ids(api, scenario, venue):
    booking = scenario["CARTE5"]
    theater = AllocineTheater.objects.create(siret=venue.siret, theater_id="P0645")
    AllocineVenueSettings.objects.create(venue=venue, theater=theater, price_cents=750)
    booking.offer.provider_ref = "allocine:12345"
    booking.offer.extra_data = {"allocine_id": 12345}
    booking.offer.save()

    assert api.get("CARTE5").json()["theater"] == {"allocine_movie_id": 12345, "allocine_room_id": "P0645"}


def test_duo_quantity_and_unit_price(api, venue):
    user = UserFactory()
    DepositFactory(user=user)
    stock = StockFactory(
        offer__venue=venue,
        offer__is_duo=True,
        price_cents=1090,
        beginning_datetime=dt.datetime.now(dt.UTC) + dt.timedelta(hours=2),
    )
    booking = book_offer(user, stock.pk, 2)

    body = api.get(booking.token).json()

    assert (body["quantity"], body["price"]) == (2, 10.9)


# --- The three PATCH routes -------------------------------------------------------------------------


def test_use_validates_the_booking(api, scenario, created_key):
    response = api.patch("use", "xk4f2m")

    assert response.status_code == 204
    assert response.content == b""
    booking = Booking.objects.get(token="XK4F2M")
    assert booking.status == BookingStatus.USED
    assert booking.validated_by is None
    assert booking.validated_by_label == f"Clé API {created_key.key.prefix}"


def test_keep_undoes_a_validation(api, scenario):
    api.patch("use", "XK4F2M")

    assert api.patch("keep", "XK4F2M").status_code == 204
    assert status_of("XK4F2M") == BookingStatus.CONFIRMED
    assert api.get("XK4F2M").json()["isUsed"] is False


def test_cancel_cancels_by_the_offerer_and_gives_the_credit_back(api, scenario):
    user = scenario["XK4F2M"].user
    before = balance_of(user).remaining_cents

    assert api.patch("cancel", "XK4F2M").status_code == 204
    booking = Booking.objects.get(token="XK4F2M")
    assert (booking.status, booking.cancellation_reason) == (
        BookingStatus.CANCELLED,
        CancellationReason.OFFERER,
    )
    assert balance_of(user).remaining_cents == before + 750


def test_basic_authentication_of_a_member_works_like_a_key(as_pro, scenario, pro):
    assert as_pro.get("XK4F2M").status_code == 200
    assert as_pro.patch("use", "XK4F2M").status_code == 204
    booking = Booking.objects.get(token="XK4F2M")
    assert (booking.validated_by, booking.validated_by_label) == (pro, pro.email)


# --- Refusals ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "token", "status", "code"),
    [
        ("check", "ZZZ222", 404, "COUNTERMARK_NOT_FOUND"),
        ("check", "ABC", 404, "INVALID_COUNTERMARK"),
        ("check", "0I1O00", 404, "INVALID_COUNTERMARK"),
        ("check", "AUTRE2", 403, "BOOKING_OTHER_OFFERER"),
        ("check", "ANNUL3", 410, "BOOKING_CANCELLED"),
        ("check", "DEJA44", 410, "BOOKING_ALREADY_USED"),
        ("check", "REMB55", 403, "BOOKING_REIMBURSED"),
        ("check", "ATTEND", 403, "BOOKING_NOT_YET_VALIDATABLE"),
        ("use", "ZZZ222", 404, "COUNTERMARK_NOT_FOUND"),
        ("use", "AUTRE2", 403, "BOOKING_OTHER_OFFERER"),
        ("use", "ANNUL3", 410, "BOOKING_CANCELLED"),
        ("use", "DEJA44", 410, "BOOKING_ALREADY_USED"),
        ("use", "REMB55", 403, "BOOKING_REIMBURSED"),
        ("use", "ATTEND", 403, "BOOKING_NOT_YET_VALIDATABLE"),
        ("keep", "ZZZ222", 404, "COUNTERMARK_NOT_FOUND"),
        ("keep", "AUTRE2", 403, "BOOKING_OTHER_OFFERER"),
        ("keep", "CARTE5", 410, "BOOKING_NOT_USED"),
        ("keep", "ANNUL3", 410, "BOOKING_CANCELLED"),
        ("keep", "REMB55", 403, "BOOKING_REIMBURSED"),
        ("cancel", "ZZZ222", 404, "COUNTERMARK_NOT_FOUND"),
        ("cancel", "AUTRE2", 403, "BOOKING_OTHER_OFFERER"),
        ("cancel", "ANNUL3", 410, "BOOKING_CANCELLED"),
        ("cancel", "DEJA44", 410, "BOOKING_ALREADY_USED"),
        ("cancel", "REMB55", 403, "BOOKING_REIMBURSED"),
    ],
)
def test_refusals_have_the_status_and_code_of_the_rules(api, scenario, action, token, status, code):
    before = {b.token: b.status for b in Booking.objects.all()}

    response = api.call(action, token)

    assert response.status_code == status
    body = response.json()
    assert set(body) == {"code", "message"}
    assert body["code"] == code
    assert body["message"]
    assert {b.token: b.status for b in Booking.objects.all()} == before


def test_not_yet_validatable_says_from_when_in_the_venue_timezone(api, scenario):
    message = api.get("ATTEND").json()["message"]

    assert "vous pourrez la valider à partir du" in message


@pytest.mark.parametrize("action", ["check", "use", "keep", "cancel"])
def test_a_key_of_offerer_a_on_a_booking_of_offerer_b_is_403_revealing_nothing(api, other_venue, action):
    user = UserFactory(email="secret.person@example.com", phone_number="+33699999999", last_name="Secret")
    DepositFactory(user=user)
    booking = book_offer(
        user,
        StockFactory(
            offer__venue=other_venue, beginning_datetime=dt.datetime.now(dt.UTC) + dt.timedelta(hours=2)
        ).pk,
    )
    if action == "keep":
        validate_countermark(CounterActor(offerer_ids={other_venue.offerer_id}, label="b"), booking.token)
    status = Booking.objects.get(pk=booking.pk).status

    response = api.call(action, booking.token)

    assert response.status_code == 403
    assert response.json()["code"] == "BOOKING_OTHER_OFFERER"
    content = response.content.decode()
    for secret in ("secret.person@example.com", "+33699999999", "Secret", str(booking.pk), other_venue.name):
        assert secret not in content
    assert Booking.objects.get(pk=booking.pk).status == status
    # The scan log row of the refusal is not linked to B's booking: A's log must not lead there.
    assert (
        CounterAttempt.objects.filter(token=booking.token, channel=CounterChannel.API_V2).get().booking
        is None
    )


def test_basic_auth_of_a_member_of_another_offerer_is_403(scenario, other_venue):
    stranger = MembershipFactory(offerer=other_venue.offerer).user

    response = ApiClient(basic=(stranger.email, "Test-password-2026!")).get("XK4F2M")

    assert (response.status_code, response.json()["code"]) == (403, "BOOKING_OTHER_OFFERER")
    assert "camille" not in response.content.decode().lower()


def test_basic_auth_of_a_pending_member_is_403(scenario, venue):
    from passculture.core.offerers.constants import ValidationStatus

    pending = MembershipFactory(offerer=venue.offerer, validation_status=ValidationStatus.PENDING).user

    response = ApiClient(basic=(pending.email, "Test-password-2026!")).get("XK4F2M")

    assert (response.status_code, response.json()["code"]) == (403, "BOOKING_OTHER_OFFERER")


def test_a_revoked_key_stops_working_at_once(api, scenario, created_key, pro):
    assert api.get("XK4F2M").status_code == 200
    api_keys.revoke_api_key(created_key.key.pk, actor=pro)

    response = api.patch("use", "XK4F2M")

    assert (response.status_code, response.json()["code"]) == (401, "API_KEY_REVOKED")
    assert status_of("XK4F2M") == BookingStatus.CONFIRMED


# --- Scan log ---------------------------------------------------------------------------------------


def test_every_call_is_in_the_scan_log_with_key_prefix_result_and_ip(api, scenario, created_key):
    CounterAttempt.objects.all().delete()
    prefix = created_key.key.prefix

    api.get("XK4F2M")
    api.patch("use", "XK4F2M")
    api.patch("use", "XK4F2M")
    api.patch("keep", "XK4F2M")
    api.patch("cancel", "ZZZ222")

    rows = list(CounterAttempt.objects.order_by("id"))
    assert [(r.action, r.result, r.error_code) for r in rows] == [
        ("check", CounterResult.CHECKED, ""),
        ("use", CounterResult.VALIDATED, ""),
        ("use", CounterResult.REFUSED, "BOOKING_ALREADY_USED"),
        ("keep", CounterResult.UNDONE, ""),
        ("cancel", CounterResult.REFUSED, "COUNTERMARK_NOT_FOUND"),
    ]
    for row in rows:
        assert (row.channel, row.api_key_prefix, row.ip_address, row.device) == (
            CounterChannel.API_V2,
            prefix,
            CLIENT_IP,
            USER_AGENT,
        )
        assert row.actor is None
        assert row.actor_label == f"Clé API {prefix}"
    assert rows[0].booking == scenario["XK4F2M"]


def test_basic_calls_are_logged_with_the_user(as_pro, scenario, pro):
    CounterAttempt.objects.all().delete()

    as_pro.get("XK4F2M")

    row = CounterAttempt.objects.get()
    assert (row.actor, row.actor_label, row.channel, row.api_key_prefix) == (pro, pro.email, "API_V2", "")


def test_the_counter_page_channel_is_still_counter(scenario, pro):
    validate_countermark(CounterActor.for_user(pro), "XK4F2M")

    assert CounterAttempt.objects.filter(token="XK4F2M").get().channel == CounterChannel.COUNTER


def test_key_use_is_recorded_on_the_key(api, scenario, created_key):
    assert created_key.key.last_used_at is None

    api.get("XK4F2M")

    created_key.key.refresh_from_db()
    assert created_key.key.last_used_at is not None


def test_patch_needs_no_csrf_token(key, scenario):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)

    response = client.patch("/api/v2/bookings/use/token/XK4F2M", HTTP_AUTHORIZATION=f"Bearer {key}")

    assert response.status_code == 204


def test_the_example_countermarks_are_valid_countermarks(scenario):
    # The scenario's countermarks are valid ones: the refusals above are about the booking, not the code.
    from passculture.core.bookings.rules import normalize_token

    for token in scenario:
        assert normalize_token(token) == token


@pytest.mark.parametrize("client_kind", ["key", "anonymous"])
def test_a_nul_byte_in_the_countermark_is_refused_and_logged(api, anonymous, scenario, client_kind):
    """PostgreSQL refuses NUL in text: the scan log must still take the attempt, not crash with a 500."""
    client = api if client_kind == "key" else anonymous

    response = client.get("XK4F%002M")

    assert response.status_code == (404 if client_kind == "key" else 401)
    assert CounterAttempt.objects.filter(token="XK4F\ufffd2M").exists()

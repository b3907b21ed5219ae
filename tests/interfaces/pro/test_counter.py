"""The counter (guichet) page: look up, validate, undo, every refusal's message, the scan log."""

import datetime as dt
import hashlib
import itertools
import re
from html import unescape
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from passculture.core.bookings.constants import BookingStatus, CounterResult
from passculture.core.bookings.models import Booking, CounterAttempt
from passculture.core.bookings.services import (
    CounterActor,
    book_offer,
    cancel_booking_by_beneficiary,
    validate_countermark,
)
from passculture.core.offerers.factories import MembershipFactory, VenueFactory
from passculture.core.offers.factories import StockFactory
from passculture.core.offers.models import Stock
from passculture.core.users.factories import ProFactory
from passculture.interfaces.pro import counter as counter_views
from tests.conftest import utc

pytestmark = pytest.mark.django_db

# A Tuesday in March: Paris is UTC+1, La Réunion UTC+4.
NOW = utc(2026, 3, 10, 12, 0)
H = dt.timedelta(hours=1)
DEVICE = "Mozilla/5.0 (Linux; Android 14) Caisse du hall"
IP = "192.0.2.44"
COUNTER = reverse("pro:counter")
VALIDATE = reverse("pro:counter-validate")
UNDO = reverse("pro:counter-undo")


@pytest.fixture(autouse=True)
def frozen_clock(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def logged_pro(client, pro):
    client.force_login(pro)
    return client


@pytest.fixture
def last_minute(beneficiary, venue):
    """Booked 2 h before the show: final at once, so validatable now."""
    stock = StockFactory(
        offer__venue=venue, offer__name="Orbite basse", beginning_datetime=NOW + 2 * H, price_cents=750
    )
    return book_offer(beneficiary, stock.pk)


@pytest.fixture
def ahead(beneficiary, venue):
    """Booked 5 days ahead: the beneficiary may still cancel for 48 h."""
    return book_offer(beneficiary, StockFactory(offer__venue=venue, beginning_datetime=NOW + 5 * 24 * H).pk)


def post(client, url, token):
    return client.post(url, {"token": token}, HTTP_USER_AGENT=DEVICE, REMOTE_ADDR=IP)


def text_of(response) -> str:
    return re.sub(r"\s+", " ", unescape(response.content.decode()))


def rows_of(html: str, table_id: str) -> list[str]:
    """The body rows of one table of the page (the scan log, today's validations)."""
    table = re.search(rf'<table id="{table_id}">(.*?)</table>', html)
    return re.findall(r"<tr>(.*?)</tr>", table.group(1))[1:] if table else []


def status_of(booking) -> str:
    return Booking.objects.get(pk=booking.pk).status


# --- Access -------------------------------------------------------------------------------------


def test_counter_requires_login(client):
    response = client.get(COUNTER)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("pro:login"))


def test_beneficiaries_are_refused_at_the_counter(client, last_minute, beneficiary):
    client.force_login(beneficiary)
    response = post(client, VALIDATE, last_minute.token)
    assert response.status_code == 302
    assert status_of(last_minute) == BookingStatus.CONFIRMED
    assert not CounterAttempt.objects.exists()


def test_forms_need_a_csrf_token(pro, last_minute):
    client = Client(enforce_csrf_checks=True)
    client.force_login(pro)
    for url in (COUNTER, VALIDATE, UNDO):
        assert post(client, url, last_minute.token).status_code == 403
    assert status_of(last_minute) == BookingStatus.CONFIRMED
    assert not CounterAttempt.objects.exists()


def test_the_page_has_a_mobile_friendly_code_field_and_a_scan_button(logged_pro):
    response = logged_pro.get(COUNTER)
    assert response.status_code == 200
    html = text_of(response)
    field = re.search(r"<input [^>]*name=\"token\"[^>]*>", html).group(0)
    for attribute in ("autofocus", 'autocapitalize="characters"', 'inputmode="text"', 'autocomplete="off"'):
        assert attribute in field
    assert "Scanner le QR code" in html
    assert "pro/vendor/jsQR-1.4.0.js" in html


def test_the_page_says_it_accepts_every_offerer_of_the_pro(client, venue):
    pro = ProFactory()
    first = MembershipFactory(user=pro, offerer=venue.offerer).offerer
    second = MembershipFactory(user=pro).offerer
    client.force_login(pro)
    html = text_of(client.get(COUNTER))
    assert "toutes vos structures" in html
    assert first.name in html
    assert second.name in html


def test_a_pro_without_validated_offerer_is_told_why_nothing_will_match(client):
    client.force_login(ProFactory())
    assert "aucune structure validée" in text_of(client.get(COUNTER))


def test_an_empty_code_is_asked_again(logged_pro):
    response = post(logged_pro, COUNTER, "")
    assert response.status_code == 400
    assert "Saisissez la contremarque" in text_of(response)
    assert not CounterAttempt.objects.exists()


# --- Look up ------------------------------------------------------------------------------------


def test_countermark_typed_in_lower_case_shows_the_booking(logged_pro, last_minute, beneficiary, venue):
    response = post(logged_pro, COUNTER, last_minute.token.lower())
    assert response.status_code == 200
    html = text_of(response)
    assert f"Réservation {last_minute.token}" in html
    assert beneficiary.full_name in html
    assert "Orbite basse" in html
    assert "mardi 10 mars 2026 à 15h00" in html  # 14:00 UTC in Paris
    assert "1 place" in html
    assert "7,50" in html
    assert venue.display_name in html
    assert "Confirmée" in html
    assert "Valider la contremarque" in html
    assert status_of(last_minute) == BookingStatus.CONFIRMED


def test_booking_date_is_shown_in_the_venue_timezone(client, beneficiary):
    reunion = VenueFactory(postal_code="97400", department_code="974", timezone="Indian/Reunion")
    booking = book_offer(beneficiary, StockFactory(offer__venue=reunion, beginning_datetime=NOW + 2 * H).pk)
    client.force_login(MembershipFactory(offerer=reunion.offerer).user)
    assert "mardi 10 mars 2026 à 18h00" in text_of(post(client, COUNTER, booking.token))


def test_duo_booking_shows_quantity_and_total(client, beneficiary, venue, pro):
    stock = StockFactory(
        offer__venue=venue, offer__is_duo=True, beginning_datetime=NOW + 2 * H, price_cents=650
    )
    booking = book_offer(beneficiary, stock.pk, quantity=2)
    client.force_login(pro)
    html = text_of(post(client, COUNTER, booking.token))
    assert "2 places" in html
    assert "6,50 € la place, 13 € au total" in html


# --- Refusals -----------------------------------------------------------------------------------


def assert_refused(response, status: int, code: str, message: str) -> str:
    assert response.status_code == status
    html = text_of(response)
    assert f'data-code="{code}"' in html
    assert message in html
    assert "Valider la contremarque" not in html
    return html


def test_unknown_countermark_is_refused_with_its_message(logged_pro):
    assert_refused(post(logged_pro, COUNTER, "zzz777"), 404, "COUNTERMARK_NOT_FOUND", "n'a pas été trouvée")


def test_malformed_countermark_is_refused_with_its_message(logged_pro):
    assert_refused(post(logged_pro, COUNTER, "0I1O"), 404, "INVALID_COUNTERMARK", "compte 6 caractères")


def test_another_offerers_booking_is_refused_and_nothing_of_it_is_shown(client, last_minute, beneficiary):
    client.force_login(MembershipFactory().user)
    for url in (COUNTER, VALIDATE, UNDO):
        html = assert_refused(
            post(client, url, last_minute.token),
            403,
            "BOOKING_OTHER_OFFERER",
            "Cette contremarque ne concerne pas une offre de votre structure.",
        )
        for secret in (beneficiary.last_name, "Orbite basse", last_minute.venue.display_name, "7,50"):
            assert secret not in html
        assert "Annuler la validation" not in html
    assert status_of(last_minute) == BookingStatus.CONFIRMED


def test_cancelled_booking_is_refused_with_its_message(logged_pro, ahead, beneficiary):
    # Five days ahead: the beneficiary may cancel (a last-minute booking is final at once).
    cancel_booking_by_beneficiary(beneficiary, ahead.pk)
    assert_refused(post(logged_pro, COUNTER, ahead.token), 410, "BOOKING_CANCELLED", "a été annulée")


def test_already_validated_booking_is_refused_and_its_validation_can_be_undone(logged_pro, last_minute):
    post(logged_pro, VALIDATE, last_minute.token)
    html = assert_refused(
        post(logged_pro, COUNTER, last_minute.token), 410, "BOOKING_ALREADY_USED", "déjà été validée"
    )
    assert f'action="{UNDO}"' in html
    assert "Annuler la validation" in html


def test_reimbursed_booking_is_refused_with_its_message(logged_pro, last_minute):
    Booking.objects.filter(pk=last_minute.pk).update(status=BookingStatus.REIMBURSED, used_at=NOW)
    html = assert_refused(
        post(logged_pro, COUNTER, last_minute.token), 403, "BOOKING_REIMBURSED", "déjà été remboursée"
    )
    assert "Annuler la validation" not in html


def test_booking_inside_its_cancellation_window_is_refused_with_the_date_it_becomes_validatable(
    logged_pro, ahead
):
    # Booked at 12:00 UTC on 10 March: validatable from 12 March 12:00 UTC, 13:00 in Paris.
    assert_refused(
        post(logged_pro, COUNTER, ahead.token),
        403,
        "BOOKING_NOT_YET_VALIDATABLE",
        "vous pourrez la valider à partir du 12 mars 2026 à 13h00",
    )


def test_the_typed_code_stays_in_the_field_after_a_refusal(logged_pro):
    html = text_of(post(logged_pro, COUNTER, "zzz777"))
    assert 'value="zzz777"' in html


# --- Validate and undo --------------------------------------------------------------------------


def test_pro_validates_a_booking_in_one_click(logged_pro, last_minute, pro):
    response = post(logged_pro, VALIDATE, last_minute.token.lower())
    assert response.status_code == 200
    html = text_of(response)
    assert f"Contremarque {last_minute.token} validée" in html
    assert "Validée" in html
    assert "Annuler la validation" in html
    booking = Booking.objects.get(pk=last_minute.pk)
    assert (booking.status, booking.used_at, booking.validated_by) == (BookingStatus.USED, NOW, pro)


def test_validation_is_undone_while_not_reimbursed(logged_pro, last_minute):
    post(logged_pro, VALIDATE, last_minute.token)
    response = post(logged_pro, UNDO, last_minute.token)
    assert response.status_code == 200
    assert f"La validation de la contremarque {last_minute.token} a été annulée" in text_of(response)
    assert status_of(last_minute) == BookingStatus.CONFIRMED


def test_validation_of_a_reimbursed_booking_cannot_be_undone(logged_pro, last_minute):
    Booking.objects.filter(pk=last_minute.pk).update(status=BookingStatus.REIMBURSED, used_at=NOW)
    assert_refused(post(logged_pro, UNDO, last_minute.token), 403, "BOOKING_REIMBURSED", "remboursée")
    assert status_of(last_minute) == BookingStatus.REIMBURSED


def test_undoing_a_booking_not_validated_is_refused_with_its_message(logged_pro, last_minute):
    assert_refused(
        post(logged_pro, UNDO, last_minute.token), 410, "BOOKING_NOT_USED", "pas encore été validée"
    )


def test_validation_refused_inside_the_cancellation_window(logged_pro, ahead):
    assert_refused(post(logged_pro, VALIDATE, ahead.token), 403, "BOOKING_NOT_YET_VALIDATABLE", "12 mars")
    assert status_of(ahead) == BookingStatus.CONFIRMED


def test_pro_of_several_offerers_validates_for_one_that_is_not_selected(client, beneficiary):
    pro = ProFactory()
    selected = MembershipFactory(user=pro).offerer
    other = VenueFactory()
    MembershipFactory(user=pro, offerer=other.offerer)
    client.force_login(pro)
    client.post(reverse("pro:switch-offerer", args=[selected.pk]))
    booking = book_offer(beneficiary, StockFactory(offer__venue=other, beginning_datetime=NOW + H).pk)
    assert post(client, VALIDATE, booking.token).status_code == 200
    assert status_of(booking) == BookingStatus.USED


# --- Scan log -----------------------------------------------------------------------------------


def test_every_attempt_is_logged_with_device_and_ip(logged_pro, last_minute, pro):
    post(logged_pro, COUNTER, "zzz777")
    post(logged_pro, COUNTER, last_minute.token.lower())
    post(logged_pro, VALIDATE, last_minute.token)
    post(logged_pro, UNDO, last_minute.token)
    attempts = list(CounterAttempt.objects.order_by("id"))
    assert [(a.action, a.result, a.error_code) for a in attempts] == [
        ("check", CounterResult.REFUSED, "COUNTERMARK_NOT_FOUND"),
        ("check", CounterResult.CHECKED, ""),
        ("use", CounterResult.VALIDATED, ""),
        ("keep", CounterResult.UNDONE, ""),
    ]
    for attempt in attempts:
        assert (attempt.actor, attempt.device, attempt.ip_address) == (pro, DEVICE, IP)


def test_a_very_long_user_agent_is_truncated_in_the_log(logged_pro, last_minute):
    logged_pro.post(COUNTER, {"token": last_minute.token}, HTTP_USER_AGENT="x" * 1000)
    assert CounterAttempt.objects.get().device == "x" * 255


def test_latest_validations_list_the_attempts_of_the_pros_offerers(logged_pro, last_minute, venue):
    colleague = MembershipFactory(offerer=venue.offerer).user
    validate_countermark(CounterActor.for_user(colleague, device="Caisse 2"), last_minute.token)
    post(logged_pro, COUNTER, "zzz777")
    rows = rows_of(text_of(logged_pro.get(COUNTER)), "log-table")
    assert len(rows) == 2
    assert "ZZZ777" not in rows[0] and "zzz777" in rows[0]
    assert "Refusée" in rows[0] and "n'a pas été trouvée" in rows[0]
    assert last_minute.token in rows[1] and "Validée" in rows[1] and colleague.email in rows[1]
    assert "10 mars 2026 à 13h00" in rows[1]


def test_latest_validations_never_show_another_offerers_scans(client, last_minute, venue, beneficiary):
    validate_countermark(
        CounterActor.for_user(MembershipFactory(offerer=venue.offerer).user), last_minute.token
    )
    stranger = MembershipFactory().user
    # A stranger's own miss must not show up for the venue's pros either.
    stranger_client = Client()
    stranger_client.force_login(stranger)
    post(stranger_client, COUNTER, "ABCDEF")
    client.force_login(stranger)
    html = text_of(client.get(COUNTER))
    assert last_minute.token not in html
    assert "ABCDEF" in html
    client.force_login(MembershipFactory(offerer=venue.offerer).user)
    html = text_of(client.get(COUNTER))
    assert last_minute.token in html
    assert "ABCDEF" not in html


def test_latest_validations_show_at_most_twenty_attempts(logged_pro):
    for _ in range(22):
        post(logged_pro, COUNTER, "zzz777")
    rows = rows_of(text_of(logged_pro.get(COUNTER)), "log-table")
    assert len(rows) == counter_views.RECENT_ATTEMPTS == 20


# --- Vendored decoder ---------------------------------------------------------------------------


def test_the_vendored_qr_decoder_matches_its_pinned_checksum():
    vendor = Path(counter_views.__file__).parent / "static" / "pro" / "vendor"
    sums = dict(
        reversed(line.split("  ", 1)) for line in (vendor / "SHA256SUMS").read_text().splitlines() if line
    )
    assert "jsQR-1.4.0.js" in sums
    for name, digest in sums.items():
        assert hashlib.sha256((vendor / name).read_bytes()).hexdigest() == digest
    assert (vendor / "jsQR-1.4.0.LICENSE").read_text().lstrip().startswith("Apache License")


# --- Rate limits (countermarks are bearer secrets: no walking the code space) ----------------------


def _unknown_codes(count: int) -> list[str]:
    # Well-formed countermarks (its alphabet has no 0, 1, 8, 9) that no booking of these tests holds.
    return [f"ZZZZ{a}{b}" for a, b in itertools.product("ABCDEFGH", repeat=2)][:count]


def test_unknown_countermarks_are_limited_per_user(logged_pro, time_machine):
    for code in _unknown_codes(20):
        assert post(logged_pro, COUNTER, code).status_code == 404

    refused = post(logged_pro, COUNTER, "ZZZZZZ")

    assert_refused(
        refused, 429, "RATE_LIMITED", "Trop de contremarques inconnues saisies : réessayez dans 10 minutes."
    )
    assert refused["Retry-After"] == str(10 * 60)


def test_the_unknown_countermark_limit_also_blocks_real_countermarks_until_it_ends(
    logged_pro, last_minute, time_machine
):
    for code in _unknown_codes(20):
        post(logged_pro, COUNTER, code)

    assert post(logged_pro, VALIDATE, last_minute.token).status_code == 429
    assert status_of(last_minute) == BookingStatus.CONFIRMED

    time_machine.shift(dt.timedelta(minutes=10, seconds=1))
    assert post(logged_pro, VALIDATE, last_minute.token).status_code == 200
    assert status_of(last_minute) == BookingStatus.USED


def test_found_countermarks_do_not_count_as_unknown(logged_pro, last_minute):
    for _ in range(25):
        assert post(logged_pro, COUNTER, last_minute.token).status_code == 200


def test_unknown_countermarks_are_limited_per_address_across_accounts(client, venue):
    for _ in range(2):
        client.force_login(MembershipFactory(offerer=venue.offerer, user=ProFactory()).user)
        for code in _unknown_codes(20):
            assert post(client, COUNTER, code).status_code == 404
    client.force_login(MembershipFactory(offerer=venue.offerer, user=ProFactory()).user)

    assert post(client, COUNTER, "ZZZZZZ").status_code == 429


def test_lookups_are_limited_per_user_per_minute(logged_pro, last_minute, time_machine):
    for _ in range(60):
        assert post(logged_pro, COUNTER, last_minute.token).status_code == 200

    refused = post(logged_pro, COUNTER, last_minute.token)

    assert_refused(
        refused, 429, "RATE_LIMITED", "Trop de recherches de contremarques : réessayez dans 1 minute."
    )
    time_machine.shift(dt.timedelta(seconds=61))
    assert post(logged_pro, COUNTER, last_minute.token).status_code == 200


def test_a_refused_lookup_is_not_logged_as_a_counter_attempt(logged_pro):
    for code in _unknown_codes(20):
        post(logged_pro, COUNTER, code)
    logged = CounterAttempt.objects.count()

    post(logged_pro, COUNTER, "ZZZZZZ")

    assert CounterAttempt.objects.count() == logged


def test_the_counter_shows_the_price_category_booked(client, beneficiary, venue, pro):
    from passculture.core.offers import price_categories

    stock = StockFactory(offer__venue=venue, beginning_datetime=NOW + 2 * H, price_cents=550)
    category = price_categories.create_price_category(stock.offer, label="Tarif réduit", price_cents=550)
    Stock.objects.filter(pk=stock.pk).update(price_category=category)
    booking = book_offer(beneficiary, stock.pk)
    client.force_login(pro)
    assert "Tarif réduit : 5,50 € la place" in text_of(post(client, COUNTER, booking.token))

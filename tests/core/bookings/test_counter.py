import datetime as dt

import pytest

from passculture.core.bookings.constants import BookingStatus, CancellationReason, CounterResult
from passculture.core.bookings.models import Booking, CounterAttempt
from passculture.core.bookings.services import (
    CounterActor,
    book_offer,
    cancel_booking_by_beneficiary,
    cancel_countermark,
    check_cancellable_countermark,
    check_countermark,
    undo_validation,
    validate_countermark,
)
from passculture.core.common.exceptions import DomainError
from passculture.core.common.models import AuditLog
from passculture.core.credit.selectors import balance_of
from passculture.core.offerers.constants import ValidationStatus
from passculture.core.offerers.factories import MembershipFactory, VenueFactory
from passculture.core.offers.factories import StockFactory, ThingStockFactory
from tests.helpers import error_code

from .conftest import NOW, set_status

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]
H = dt.timedelta(hours=1)


@pytest.fixture
def booking(beneficiary, venue):
    """Booked well ahead: the show is in 5 days, the beneficiary may cancel for 48 h."""
    return book_offer(beneficiary, StockFactory(offer__venue=venue).pk)


@pytest.fixture
def validatable_at(booking):
    return booking.cancellation_limit_datetime


def test_pro_validates_a_countermark_of_its_offerer(booking, counter, pro, validatable_at):
    used = validate_countermark(counter, booking.token, at=validatable_at)
    assert used.status == BookingStatus.USED
    assert used.used_at == validatable_at
    assert (used.validated_by, used.validated_by_label) == (pro, pro.email)
    assert AuditLog.objects.filter(action="booking.used", target_id=str(booking.pk)).exists()


def test_countermark_typed_in_lower_case_is_found(booking, counter, validatable_at):
    assert validate_countermark(counter, f" {booking.token.lower()} ", at=validatable_at) == booking


def test_countermark_read_from_the_qr_code_is_found(booking, counter, validatable_at):
    assert validate_countermark(counter, booking.qr_payload, at=validatable_at) == booking


def test_unknown_countermark_is_refused(counter):
    assert error_code(validate_countermark, counter, "ZZZ777") == "COUNTERMARK_NOT_FOUND"


def test_malformed_countermark_is_refused(counter):
    assert error_code(validate_countermark, counter, "0I1O") == "INVALID_COUNTERMARK"


def test_countermark_of_another_offerer_is_refused(booking, validatable_at):
    stranger = CounterActor.for_user(MembershipFactory().user)
    assert (
        error_code(validate_countermark, stranger, booking.token, at=validatable_at)
        == "BOOKING_OTHER_OFFERER"
    )
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.CONFIRMED


def test_pro_with_a_pending_membership_cannot_validate(booking, venue, validatable_at):
    pending = MembershipFactory(offerer=venue.offerer, validation_status=ValidationStatus.PENDING).user
    actor = CounterActor.for_user(pending)
    assert (
        error_code(validate_countermark, actor, booking.token, at=validatable_at) == "BOOKING_OTHER_OFFERER"
    )


def test_cancelled_booking_cannot_be_validated(beneficiary, booking, counter, validatable_at):
    cancel_booking_by_beneficiary(beneficiary, booking.pk)
    assert error_code(validate_countermark, counter, booking.token, at=validatable_at) == "BOOKING_CANCELLED"


def test_already_validated_booking_cannot_be_validated_again(booking, counter, validatable_at):
    validate_countermark(counter, booking.token, at=validatable_at)
    assert (
        error_code(validate_countermark, counter, booking.token, at=validatable_at + H)
        == "BOOKING_ALREADY_USED"
    )
    assert Booking.objects.get(pk=booking.pk).used_at == validatable_at


def test_reimbursed_booking_cannot_be_validated(booking, counter, validatable_at):
    set_status(booking, BookingStatus.REIMBURSED)
    assert error_code(validate_countermark, counter, booking.token, at=validatable_at) == "BOOKING_REIMBURSED"


def test_event_booking_inside_its_cancellation_window_is_not_yet_validatable(booking, counter):
    at = booking.cancellation_limit_datetime - dt.timedelta(seconds=1)
    with pytest.raises(DomainError) as exc:
        validate_countermark(counter, booking.token, at=at)
    assert exc.value.code == "BOOKING_NOT_YET_VALIDATABLE"
    # Booked at 12:00 UTC on 10 March: validatable from 12 March 13:00 in Paris (UTC+1).
    assert "à partir du 12 mars 2026 à 13h00" in exc.value.message
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.CONFIRMED


def test_not_yet_validatable_message_shows_the_time_in_the_venue_timezone(beneficiary):
    reunion = VenueFactory(
        postal_code="97400", department_code="974", city="Saint-Denis", timezone="Indian/Reunion"
    )
    pro = MembershipFactory(offerer=reunion.offerer).user
    booking = book_offer(beneficiary, StockFactory(offer__venue=reunion).pk)
    with pytest.raises(DomainError) as exc:
        validate_countermark(CounterActor.for_user(pro), booking.token, at=NOW + H)
    assert exc.value.code == "BOOKING_NOT_YET_VALIDATABLE"
    # 12 March 12:00 UTC is 16:00 in La Réunion (UTC+4).
    assert "12 mars 2026 à 16h00" in exc.value.message


def test_last_minute_event_booking_is_validatable_at_once(beneficiary, venue, counter):
    booking = book_offer(beneficiary, StockFactory(offer__venue=venue, beginning_datetime=NOW + 2 * H).pk)
    assert validate_countermark(counter, booking.token, at=NOW).status == BookingStatus.USED


def test_thing_booking_is_validatable_at_once(beneficiary, venue, counter):
    booking = book_offer(beneficiary, ThingStockFactory(offer__venue=venue).pk)
    assert validate_countermark(counter, booking.token, at=NOW).status == BookingStatus.USED


def test_checking_a_countermark_changes_nothing(booking, counter, validatable_at):
    assert check_countermark(counter, booking.token, at=validatable_at) == booking
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.CONFIRMED
    assert error_code(check_countermark, counter, booking.token, at=NOW) == "BOOKING_NOT_YET_VALIDATABLE"


def test_validation_can_be_undone_while_not_reimbursed(booking, counter, validatable_at):
    validate_countermark(counter, booking.token, at=validatable_at)
    undone = undo_validation(counter, booking.token)
    assert undone.status == BookingStatus.CONFIRMED
    assert (undone.used_at, undone.validated_by, undone.validated_by_label) == (None, None, "")
    assert AuditLog.objects.filter(action="booking.unused", target_id=str(booking.pk)).exists()


def test_validation_cannot_be_undone_once_reimbursed(booking, counter):
    set_status(booking, BookingStatus.REIMBURSED)
    assert error_code(undo_validation, counter, booking.token) == "BOOKING_REIMBURSED"
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.REIMBURSED


def test_undo_refused_for_a_booking_not_validated(booking, counter):
    assert error_code(undo_validation, counter, booking.token) == "BOOKING_NOT_USED"


def test_undo_refused_for_a_cancelled_booking(beneficiary, booking, counter):
    cancel_booking_by_beneficiary(beneficiary, booking.pk)
    assert error_code(undo_validation, counter, booking.token) == "BOOKING_CANCELLED"


def test_undo_refused_for_another_offerer(booking, counter, validatable_at):
    validate_countermark(counter, booking.token, at=validatable_at)
    stranger = CounterActor.for_user(MembershipFactory().user)
    assert error_code(undo_validation, stranger, booking.token) == "BOOKING_OTHER_OFFERER"
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.USED


def test_pro_cancels_a_countermark_and_the_credit_comes_back(beneficiary, booking, counter):
    cancelled = cancel_countermark(counter, booking.token)
    assert (cancelled.status, cancelled.cancellation_reason) == (
        BookingStatus.CANCELLED,
        CancellationReason.OFFERER,
    )
    assert balance_of(beneficiary).remaining_cents == 300_00


def test_pro_cannot_cancel_a_validated_countermark(booking, counter, validatable_at):
    validate_countermark(counter, booking.token, at=validatable_at)
    assert error_code(cancel_countermark, counter, booking.token) == "BOOKING_ALREADY_USED"


def test_the_cancellation_check_finds_a_booking_not_yet_validatable_and_changes_nothing(booking, counter):
    # Inside the beneficiary's cancellation window: not validatable yet, but the offerer may cancel it.
    assert check_cancellable_countermark(counter, booking.token.lower()) == booking
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.CONFIRMED
    assert CounterAttempt.objects.get().result == CounterResult.CHECKED


def test_the_cancellation_check_refuses_what_cancel_countermark_refuses(booking, counter, validatable_at):
    stranger = CounterActor.for_user(MembershipFactory().user)
    assert error_code(check_cancellable_countermark, stranger, booking.token) == "BOOKING_OTHER_OFFERER"
    assert error_code(check_cancellable_countermark, counter, "ZZZZZZ") == "COUNTERMARK_NOT_FOUND"
    validate_countermark(counter, booking.token, at=validatable_at)
    assert error_code(check_cancellable_countermark, counter, booking.token) == "BOOKING_ALREADY_USED"


def test_successful_attempt_is_logged_with_who_device_and_result(booking, counter, pro, validatable_at):
    validate_countermark(counter, booking.token.lower(), at=validatable_at)
    attempt = CounterAttempt.objects.get()
    assert (attempt.action, attempt.result, attempt.error_code) == ("use", CounterResult.VALIDATED, "")
    assert (attempt.actor, attempt.actor_label) == (pro, pro.email)
    assert (attempt.device, attempt.ip_address) == ("Caisse 1 (Firefox)", "192.0.2.10")
    assert attempt.booking == booking
    assert attempt.token == booking.token.lower()
    assert attempt.created_at == NOW


def test_refused_attempt_is_logged_with_its_error_code(booking, counter):
    with pytest.raises(DomainError):
        validate_countermark(counter, booking.token, at=NOW)
    attempt = CounterAttempt.objects.get()
    assert (attempt.result, attempt.error_code) == (CounterResult.REFUSED, "BOOKING_NOT_YET_VALIDATABLE")
    assert attempt.booking == booking


def test_attempt_with_an_unknown_or_malformed_countermark_is_logged(counter):
    for raw in ("ZZZ777", "n'importe quoi"):
        with pytest.raises(DomainError):
            validate_countermark(counter, raw)
    assert sorted(CounterAttempt.objects.values_list("token", "error_code")) == [
        ("ZZZ777", "COUNTERMARK_NOT_FOUND"),
        ("n'importe quoi", "INVALID_COUNTERMARK"),
    ]


def test_refused_attempt_by_another_offerer_is_logged_without_linking_the_booking(booking):
    stranger = CounterActor.for_user(MembershipFactory().user, device="Douchette")
    with pytest.raises(DomainError):
        validate_countermark(stranger, booking.token)
    attempt = CounterAttempt.objects.get()
    assert (attempt.error_code, attempt.booking, attempt.device) == (
        "BOOKING_OTHER_OFFERER",
        None,
        "Douchette",
    )


def test_every_counter_operation_is_logged_with_its_action(booking, counter, validatable_at):
    check_countermark(counter, booking.token, at=validatable_at)
    validate_countermark(counter, booking.token, at=validatable_at)
    undo_validation(counter, booking.token)
    cancel_countermark(counter, booking.token)
    assert list(CounterAttempt.objects.order_by("id").values_list("action", "result")) == [
        ("check", CounterResult.CHECKED),
        ("use", CounterResult.VALIDATED),
        ("keep", CounterResult.UNDONE),
        ("cancel", CounterResult.CANCELLED),
    ]


def test_ticketing_software_acts_with_its_offerer_ids_and_label(booking, venue, validatable_at):
    software = CounterActor(offerer_ids={venue.offerer_id}, label="api-key:abc123", device="Logiciel X")
    used = validate_countermark(software, booking.token, at=validatable_at)
    assert (used.validated_by, used.validated_by_label) == (None, "api-key:abc123")
    attempt = CounterAttempt.objects.get()
    assert (attempt.actor, attempt.actor_label) == (None, "api-key:abc123")


def test_attempt_that_crashes_is_logged_as_an_internal_error(booking, counter, monkeypatch):
    from passculture.core.bookings import services

    def crash(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(services, "_check_validatable", crash)
    with pytest.raises(RuntimeError):
        validate_countermark(counter, booking.token)
    attempt = CounterAttempt.objects.get()
    assert (attempt.action, attempt.result, attempt.error_code) == (
        "use",
        CounterResult.REFUSED,
        "INTERNAL_ERROR",
    )
    assert attempt.booking == booking
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.CONFIRMED


def test_pro_cancelling_at_the_counter_may_tell_the_beneficiary_why(beneficiary, booking, counter):
    from passculture.core.notifications.models import OutboxEmail

    cancel_countermark(counter, booking.token, reason_text="  Panne du projecteur, séance reportée.  ")
    [email] = OutboxEmail.objects.filter(kind="booking_cancelled_beneficiary")
    assert "Panne du projecteur, séance reportée." in email.text_body
    entry = AuditLog.objects.get(action="booking.cancelled")
    assert entry.data["message"] == "Panne du projecteur, séance reportée."

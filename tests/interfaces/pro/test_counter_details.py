"""The counter (guichet) shows the booking it refuses, as far as the rules allow: each refusal's facts and
next step, nothing about another offerer's booking, the cancellation with its reason, today's validations
and where the focus goes (keyboard flow)."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.urls import reverse

from passculture.core.bookings.constants import BookingStatus
from passculture.core.bookings.models import Booking, CounterAttempt
from passculture.core.bookings.services import (
    CounterActor,
    book_offer,
    cancel_booking_by_beneficiary,
    cancel_countermark,
    validate_countermark,
)
from passculture.core.credit.factories import DepositFactory
from passculture.core.offerers.factories import MembershipFactory, VenueFactory
from passculture.core.offers.factories import StockFactory
from passculture.core.users.factories import ProFactory, UserFactory
from tests.conftest import utc
from tests.interfaces.pro.test_counter import COUNTER, UNDO, VALIDATE, post, rows_of, status_of, text_of

pytestmark = pytest.mark.django_db

# A Tuesday in March: Paris is UTC+1, La Réunion UTC+4.
NOW = utc(2026, 3, 10, 12, 0)
H = dt.timedelta(hours=1)
CANCEL = reverse("pro:counter-cancel")


@pytest.fixture(autouse=True)
def frozen_clock(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def colleague(venue):
    return MembershipFactory(
        offerer=venue.offerer, user=ProFactory(first_name="Camille", last_name="Dupont")
    ).user


@pytest.fixture
def logged_pro(client, pro):
    client.force_login(pro)
    return client


@pytest.fixture
def last_minute(beneficiary, venue):
    """Booked 2 h before the show (15:00 in Paris): final at once, so validatable now."""
    stock = StockFactory(
        offer__venue=venue, offer__name="Orbite basse", beginning_datetime=NOW + 2 * H, price_cents=750
    )
    return book_offer(beneficiary, stock.pk)


@pytest.fixture
def ahead(beneficiary, venue):
    """Sunday 15 March at 13:00 in Paris, booked now: the beneficiary may still cancel for 48 h."""
    stock = StockFactory(
        offer__venue=venue, offer__name="Les Lumières du port", beginning_datetime=NOW + 5 * 24 * H
    )
    return book_offer(beneficiary, stock.pk)


def result_of(response) -> str:
    """The result region of the counter page (what counter.js swaps in and announces)."""
    html = text_of(response)
    return re.search(r'id="counter-result"[^>]*>(.*?)<div id="counter-lists">', html).group(1)


def assert_shows_the_booking(html: str, booking, beneficiary) -> None:
    assert f"Réservation {booking.token}" in html
    assert booking.offer.name in html
    assert booking.venue.display_name in html
    assert beneficiary.full_name in html
    assert f"{booking.quantity} place" in html


# --- Each refusal shows the booking, why, and what to do next ---------------------------------------


def test_already_validated_says_when_and_by_whom_in_the_venues_timezone(client, beneficiary, colleague):
    reunion = VenueFactory(
        offerer=colleague.memberships.first().offerer, timezone="Indian/Reunion", postal_code="97400"
    )
    stock = StockFactory(offer__venue=reunion, beginning_datetime=NOW + 2 * H)
    booking = book_offer(beneficiary, stock.pk, at=NOW - 2 * H)
    validate_countermark(CounterActor.for_user(colleague), booking.token, at=NOW - dt.timedelta(minutes=30))
    client.force_login(MembershipFactory(offerer=reunion.offerer).user)

    response = post(client, COUNTER, booking.token)

    assert response.status_code == 410
    html = result_of(response)
    assert 'data-code="BOOKING_ALREADY_USED"' in html
    assert_shows_the_booking(html, booking, beneficiary)
    assert "mardi 10 mars 2026 à 18h00" in html  # the showtime, 14:00 UTC in La Réunion
    assert f"le 10 mars 2026 à 15h30, par Camille Dupont ({colleague.email})" in html
    assert "ne laissez pas entrer une seconde fois" in html
    assert "Annuler la validation" in html
    assert "Valider la contremarque" not in html
    assert "Annuler la réservation" not in html


def test_automatic_validation_is_named_as_such(logged_pro, last_minute, beneficiary):
    Booking.objects.filter(pk=last_minute.pk).update(
        status=BookingStatus.USED, used_at=NOW - H, validated_by_label="auto"
    )
    html = result_of(post(logged_pro, COUNTER, last_minute.token))
    assert "le 10 mars 2026 à 12h00, par validation automatique, 48 h après la séance" in html


def test_cancelled_says_when_and_why(logged_pro, ahead, beneficiary):
    cancel_booking_by_beneficiary(beneficiary, ahead.pk, at=NOW + H)

    response = post(logged_pro, COUNTER, ahead.token)

    assert response.status_code == 410
    html = result_of(response)
    assert_shows_the_booking(html, ahead, beneficiary)
    assert "le 10 mars 2026 à 14h00 : annulée par le bénéficiaire" in html
    assert "Ne laissez pas entrer sur cette contremarque" in html
    for action in ("Valider la contremarque", "Annuler la réservation", "Annuler la validation"):
        assert action not in html


def test_cancelled_by_the_offerer_shows_the_offerers_words(logged_pro, ahead, pro, beneficiary):
    cancel_countermark(CounterActor.for_user(pro), ahead.token, reason_text="Motif : Séance annulée.")
    html = result_of(post(logged_pro, COUNTER, ahead.token))
    assert "annulée par l'acteur culturel" in html
    assert "« Motif : Séance annulée. »" in html


def test_not_today_shows_the_showtime_and_when_it_becomes_validatable(logged_pro, ahead, beneficiary):
    response = post(logged_pro, COUNTER, ahead.token)

    assert response.status_code == 403
    html = result_of(response)
    assert_shows_the_booking(html, ahead, beneficiary)
    assert "dimanche 15 mars 2026 à 13h00" in html
    assert "à partir du 12 mars 2026 à 13h00" in html
    assert "Vérifiez la date de la séance avec le bénéficiaire" in html
    assert "Valider la contremarque" not in html
    # Not yet used: the pro may still cancel it.
    assert "Annuler la réservation" in html


def test_reimbursed_shows_the_validation_and_no_action(logged_pro, last_minute, beneficiary, pro):
    validate_countermark(CounterActor.for_user(pro), last_minute.token)
    Booking.objects.filter(pk=last_minute.pk).update(status=BookingStatus.REIMBURSED)
    response = post(logged_pro, COUNTER, last_minute.token)
    assert response.status_code == 403
    html = result_of(response)
    assert_shows_the_booking(html, last_minute, beneficiary)
    assert "le 10 mars 2026 à 13h00, par" in html
    assert "rien à faire au guichet" in html
    assert "<form" not in html


def test_unknown_and_malformed_codes_say_what_to_do(logged_pro):
    assert "Vérifiez les 6 caractères" in result_of(post(logged_pro, COUNTER, "ZZZZZZ"))
    assert "Vérifiez la saisie" in result_of(post(logged_pro, COUNTER, "0I1O"))


# --- Nothing about another offerer's booking --------------------------------------------------------


def _without_the_refusal(html: str) -> str:
    return re.sub(r'<div class="fr-alert fr-alert--error.*?</div>', "", html)


@pytest.mark.parametrize("state", ["confirmed", "used", "cancelled", "not_yet"])
def test_another_offerers_booking_shows_what_an_unknown_code_shows(
    client, beneficiary, venue, pro, last_minute, ahead, state
):
    booking = ahead if state in ("cancelled", "not_yet") else last_minute
    if state == "used":
        validate_countermark(CounterActor.for_user(pro), booking.token)
    if state == "cancelled":
        cancel_booking_by_beneficiary(beneficiary, booking.pk)
    client.force_login(MembershipFactory(user=ProFactory()).user)
    for url in (COUNTER, VALIDATE, UNDO, CANCEL):
        stranger = post(client, url, booking.token)
        unknown = post(client, url, "ZZZZZZ")
        assert stranger.status_code == 403
        html = result_of(stranger)
        assert 'data-code="BOOKING_OTHER_OFFERER"' in html
        assert _without_the_refusal(html) == _without_the_refusal(result_of(unknown))
        page = text_of(stranger)
        showtime = "dimanche 15 mars" if booking == ahead else "mardi 10 mars 2026 à 15h00"
        for secret in (beneficiary.last_name, booking.offer.name, booking.venue.display_name, showtime):
            assert secret not in page
    assert status_of(booking) == {"used": BookingStatus.USED, "cancelled": BookingStatus.CANCELLED}.get(
        state, BookingStatus.CONFIRMED
    )


# --- Cancelling from the counter, with the reason -----------------------------------------------------


def cancel(client, token, reason="", message="", confirm=True):
    data = {"token": token, "reason": reason, "message": message}
    if confirm:
        data["confirm"] = "1"
    return client.post(CANCEL, data, HTTP_USER_AGENT="Caisse 1", REMOTE_ADDR="192.0.2.44")


def test_the_first_step_asks_for_the_reason_and_changes_nothing(logged_pro, last_minute, beneficiary):
    response = cancel(logged_pro, last_minute.token.lower(), confirm=False)
    assert response.status_code == 200
    html = result_of(response)
    assert f"Annuler la réservation {last_minute.token}" in html
    assert "Orbite basse" in html and beneficiary.full_name in html
    assert re.search(r'<select [^>]*name="reason"[^>]*required[^>]*autofocus', html)
    assert "Séance annulée" in html
    assert "Confirmer l'annulation" in html
    assert "Valider la contremarque" not in html
    assert status_of(last_minute) == BookingStatus.CONFIRMED


def test_pro_cancels_with_a_reason_and_the_beneficiary_reads_it(
    logged_pro, last_minute, beneficiary, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = cancel(
            logged_pro, last_minute.token, "TECHNICAL", "Le projecteur de la salle 2 est en panne."
        )

    assert response.status_code == 200
    html = result_of(response)
    assert f"La réservation {last_minute.token} est annulée" in html
    assert "le 10 mars 2026 à 13h00 : annulée par l'acteur culturel" in html
    assert status_of(last_minute) == BookingStatus.CANCELLED
    to_beneficiary = next(m for m in mail.outbox if beneficiary.email in m.to)
    assert (
        "Motif : Problème technique : la projection est impossible. Le projecteur de la salle 2 est en panne."
        in (to_beneficiary.body)
    )
    attempt = CounterAttempt.objects.filter(action="cancel").get()
    assert (attempt.booking_id, attempt.device) == (last_minute.pk, "Caisse 1")
    # Back to the next person: the code field has the focus, empty.
    assert re.search(r'<input [^>]*name="token"[^>]*value=""[^>]*autofocus', text_of(response))


def test_a_reason_is_required(logged_pro, last_minute):
    response = cancel(logged_pro, last_minute.token, "")
    assert response.status_code == 400
    assert "Choisissez le motif de l'annulation." in result_of(response)
    response = cancel(logged_pro, last_minute.token, "OTHER", "  ")
    assert response.status_code == 400
    assert "Précisez le motif de l'annulation dans le message." in result_of(response)
    response = cancel(logged_pro, last_minute.token, "NOT_A_REASON")
    assert response.status_code == 400
    assert status_of(last_minute) == BookingStatus.CONFIRMED


def test_a_too_long_message_is_refused_and_kept(logged_pro, last_minute):
    response = cancel(logged_pro, last_minute.token, "OTHER", "x" * 600)
    assert response.status_code == 400
    assert "x" * 600 in result_of(response)
    assert status_of(last_minute) == BookingStatus.CONFIRMED


def test_a_validated_booking_cannot_be_cancelled(logged_pro, last_minute, pro):
    validate_countermark(CounterActor.for_user(pro), last_minute.token)
    for confirm in (False, True):
        response = cancel(logged_pro, last_minute.token, "BOOKING_ERROR", confirm=confirm)
        assert response.status_code == 410
        html = result_of(response)
        assert "Cette réservation a été validée : elle ne peut plus être annulée." in html
        assert "Orbite basse" in html  # the pro's own booking: shown with its validation
        assert "Confirmer l'annulation" not in html
    assert status_of(last_minute) == BookingStatus.USED


def test_a_cancelled_booking_cannot_be_cancelled_again(logged_pro, ahead, beneficiary):
    cancel_booking_by_beneficiary(beneficiary, ahead.pk)
    response = cancel(logged_pro, ahead.token, "BOOKING_ERROR")
    assert response.status_code == 410
    assert "a été annulée" in result_of(response)


def test_another_offerers_pro_cannot_cancel(client, last_minute):
    client.force_login(MembershipFactory().user)
    for confirm in (False, True):
        response = cancel(client, last_minute.token, "SHOWTIME_CANCELLED", confirm=confirm)
        assert response.status_code == 403
        assert 'data-code="BOOKING_OTHER_OFFERER"' in text_of(response)
        assert "Orbite basse" not in text_of(response)
    assert status_of(last_minute) == BookingStatus.CONFIRMED
    assert not mail.outbox


def test_cancel_needs_a_pro_and_a_post(client, last_minute, beneficiary, logged_pro):
    assert logged_pro.get(CANCEL).status_code == 405
    client.force_login(beneficiary)
    assert cancel(client, last_minute.token, "SHOWTIME_CANCELLED").status_code == 302
    assert status_of(last_minute) == BookingStatus.CONFIRMED


# --- Today's validations --------------------------------------------------------------------------------


def test_todays_validations_list_time_film_name_code_quantity_and_who(logged_pro, venue, colleague):
    reunion = VenueFactory(offerer=venue.offerer, timezone="Indian/Reunion", postal_code="97400")
    ines = UserFactory(first_name="Inès", last_name="Morel")
    DepositFactory(user=ines)
    stock = StockFactory(
        offer__venue=reunion, offer__name="Lagon bleu", offer__is_duo=True, beginning_datetime=NOW + 2 * H
    )
    booking = book_offer(ines, stock.pk, quantity=2, at=NOW - 2 * H)
    validate_countermark(CounterActor.for_user(colleague), booking.token, at=NOW - H)

    rows = rows_of(text_of(logged_pro.get(COUNTER)), "today-table")

    assert len(rows) == 1
    row = rows[0]
    assert "<td>15h00</td>" in row  # 11:00 UTC in La Réunion
    assert "Lagon bleu" in row and "séance de 18h00" in row
    assert "Inès Morel" in row
    assert f"<code>{booking.token}</code>, 2 places" in row
    assert "Camille Dupont" in row
    assert "Annuler la validation" in row


def test_yesterdays_validations_are_not_listed_and_undoing_removes_one(logged_pro, last_minute, pro, ahead):
    Booking.objects.filter(pk=ahead.pk).update(status=BookingStatus.USED, used_at=utc(2026, 3, 9, 22, 59))
    validate_countermark(CounterActor.for_user(pro), last_minute.token)
    html = text_of(logged_pro.get(COUNTER))
    assert [last_minute.token in row for row in rows_of(html, "today-table")] == [True]
    assert "1 réservation validée aujourd'hui" in html

    response = post(logged_pro, UNDO, last_minute.token)

    assert rows_of(text_of(response), "today-table") == []
    assert "Aucune réservation validée aujourd'hui pour l'instant." in text_of(response)


def test_todays_validations_never_show_another_offerers(logged_pro, beneficiary):
    other = VenueFactory()
    booking = book_offer(beneficiary, StockFactory(offer__venue=other, beginning_datetime=NOW + H).pk)
    validate_countermark(CounterActor.for_user(MembershipFactory(offerer=other.offerer).user), booking.token)
    assert booking.token not in text_of(logged_pro.get(COUNTER))


# --- Keyboard flow: type, Enter, Enter ----------------------------------------------------------------


def autofocused(response) -> list[str]:
    return re.findall(r"<(?:input|button|select)[^>]*\bautofocus\b[^>]*>", text_of(response))


def test_focus_goes_to_validate_after_a_lookup_then_back_to_the_empty_field(logged_pro, last_minute):
    (found,) = autofocused(post(logged_pro, COUNTER, last_minute.token))
    assert "Valider la contremarque" not in found  # the button's text follows the tag
    assert 'type="submit"' in found and "fr-icon-check-line" in found

    validated = post(logged_pro, VALIDATE, last_minute.token)
    (field,) = autofocused(validated)
    assert 'name="token"' in field and 'value=""' in field
    assert f"Contremarque {last_minute.token} validée" in result_of(validated)


def test_after_a_refusal_the_focus_stays_in_the_field_with_the_typed_code(logged_pro):
    (field,) = autofocused(post(logged_pro, COUNTER, "zzz777"))
    assert 'value="zzz777"' in field and "data-select-on-focus" in field

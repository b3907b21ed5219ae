import datetime as dt
import io

import pytest
import segno
import time_machine
from PIL import Image

from passculture.core.bookings import services as bookings
from passculture.core.bookings.constants import CancellationReason
from passculture.core.bookings.factories import BookingFactory
from passculture.core.credit.factories import DepositFactory
from passculture.core.notifications import builders
from passculture.core.offerers.factories import VenueFactory
from passculture.core.offers.factories import StockFactory, ThingStockFactory
from passculture.core.users.factories import UserFactory
from tests.conftest import utc

NOW = utc(2026, 12, 1, 9, 0)
SHOW = utc(2026, 12, 12, 16, 30)  # 17h30 in Paris, 20h30 in La Réunion


@pytest.fixture
def reunion_venue(db):
    return VenueFactory(
        name="Ciné Cambaie",
        address="1 rue du Cinéma",
        postal_code="97460",
        city="Saint-Paul",
        department_code="974",
        timezone="Indian/Reunion",
        booking_email="resa@cine-cambaie.example.com",
    )


@pytest.fixture
def reunion_booking(beneficiary, reunion_venue):
    stock = StockFactory(
        offer__venue=reunion_venue,
        offer__name="Le Grand Bleu",
        price_cents=650,
        beginning_datetime=SHOW,
        booking_limit_datetime=SHOW,
    )
    with time_machine.travel(NOW, tick=False):
        return bookings.book_offer(beneficiary, stock.pk, 1)


def _booking(**kwargs):
    kwargs.setdefault("booked_at", NOW)
    return BookingFactory(**kwargs)


def test_pro_email_gives_the_beneficiary_contact_and_booking_details(reunion_booking):
    email = builders.booking_confirmed_to_pro(reunion_booking)
    user = reunion_booking.user
    for body in (email.text, email.html):
        assert user.first_name in body
        assert user.last_name in body
        assert user.email in body
        assert user.phone_number in body
        assert "Le Grand Bleu" in body
        assert reunion_booking.token in body
        assert "6,50\u00a0€" in body
        assert "1 place" in body


def test_pro_email_shows_the_show_time_in_the_venue_timezone(reunion_booking):
    email = builders.booking_confirmed_to_pro(reunion_booking)
    assert "samedi 12 décembre 2026 à 20h30" in email.text
    assert "17h30" not in email.text
    assert "samedi 12 décembre 2026 à 20h30" in email.html


def test_pro_email_replies_to_the_beneficiary(reunion_booking):
    email = builders.booking_confirmed_to_pro(reunion_booking)
    assert email.reply_to == [reunion_booking.user.email]


def test_pro_email_goes_to_the_offer_booking_email_first(db):
    booking = _booking(
        stock=StockFactory(
            offer__booking_email="film@cinema.example.com", offer__venue__booking_email="lieu@x.example.com"
        )
    )
    assert builders.booking_confirmed_to_pro(booking).to == ["film@cinema.example.com"]


def test_pro_email_falls_back_to_the_venue_booking_email(db):
    booking = _booking(
        stock=StockFactory(offer__booking_email="", offer__venue__booking_email="lieu@x.example.com")
    )
    assert builders.booking_confirmed_to_pro(booking).to == ["lieu@x.example.com"]


def test_no_pro_email_without_any_booking_email(db):
    booking = _booking(stock=StockFactory(offer__booking_email="", offer__venue__booking_email=""))
    assert builders.booking_confirmed_to_pro(booking) is None
    booking.mark_as_cancelled(NOW, CancellationReason.BENEFICIARY)
    assert builders.booking_cancelled_to_pro(booking) is None


def test_duo_pro_email_gives_quantity_and_unit_price(db):
    booking = _booking(stock=StockFactory(price_cents=800, offer__is_duo=True), quantity=2)
    email = builders.booking_confirmed_to_pro(booking)
    assert "2 places (duo)" in email.text
    assert "Prix unitaire : 8\u00a0€" in email.text
    assert "Prix total : 16\u00a0€" in email.text


def test_both_emails_give_the_price_category_booked_with_its_price(db):
    booking = _booking(
        stock=StockFactory(price_cents=550), amount_cents=550, price_category_label="Tarif réduit"
    )
    for email in (
        builders.booking_confirmed_to_pro(booking),
        builders.booking_confirmed_to_beneficiary(booking),
    ):
        assert "Tarif : Tarif réduit" in email.text
        assert "Prix unitaire : 5,50\u00a0€" in email.text
        assert "Tarif réduit" in email.html


def test_an_email_of_a_stock_without_category_says_tarif_unique(reunion_booking):
    assert "Tarif : Tarif unique" in builders.booking_confirmed_to_beneficiary(reunion_booking).text


def test_beneficiary_confirmation_has_countermark_venue_time_total_and_cancellation_limit(reunion_booking):
    email = builders.booking_confirmed_to_beneficiary(reunion_booking)
    assert email.to == [reunion_booking.user.email]
    limit = reunion_booking.cancellation_limit_datetime  # booked 1 Dec 09:00 UTC + 48 h = 3 Dec 13h00 local
    assert limit == utc(2026, 12, 3, 9, 0)
    for body in (email.text, email.html):
        assert reunion_booking.token in body
        assert "Ciné Cambaie" in body
        assert "1 rue du Cinéma, 97460 Saint-Paul" in body
        assert "samedi 12 décembre 2026 à 20h30" in body
        assert "6,50\u00a0€" in body
        assert "jusqu'au 3 décembre 2026 à 13h00" in body.replace("&#x27;", "'")


def test_beneficiary_confirmation_of_a_thing_has_no_cancellation_limit(db, beneficiary):
    stock = ThingStockFactory()
    with time_machine.travel(NOW, tick=False):
        booking = bookings.book_offer(beneficiary, stock.pk, 1)
    email = builders.booking_confirmed_to_beneficiary(booking)
    assert "Limite d'annulation : aucune limite" in email.text
    assert "31 décembre 2026" in email.text  # withdraw before booked_at + 30 days
    assert "aucune limite" in email.html


def test_beneficiary_confirmation_embeds_the_qr_code_of_the_booking_payload(reunion_booking):
    email = builders.booking_confirmed_to_beneficiary(reunion_booking)
    [qr] = email.attachments
    assert qr.content_type == "image/png"
    assert f'src="cid:{qr.content_id}"' in email.html
    image = Image.open(io.BytesIO(qr.content)).convert("1")
    expected = segno.make(reunion_booking.qr_payload, error="m", micro=False)
    # Read the modules back from the PNG (scale px per module, border of 2 modules).
    scale, border = builders.QR_SCALE, 2
    width, height = expected.symbol_size(scale=1, border=0)
    decoded = [
        [
            image.getpixel(((border + x) * scale + scale // 2, (border + y) * scale + scale // 2)) == 0
            for x in range(width)
        ]
        for y in range(height)
    ]
    assert decoded == [[bool(module) for module in row] for row in expected.matrix]


def test_text_bodies_are_not_html_escaped(reunion_booking):
    email = builders.booking_confirmed_to_beneficiary(reunion_booking)
    assert "Limite d'annulation" in email.text
    assert "&#x27;" not in email.text


@pytest.mark.parametrize(
    ("reason", "who", "beneficiary_why", "pro_why"),
    [
        (CancellationReason.BENEFICIARY, "le bénéficiaire", "vous avez annulé", "a annulé sa réservation"),
        (
            CancellationReason.OFFERER,
            "l'acteur culturel",
            "a annulé votre réservation",
            "votre structure a annulé",
        ),
        (
            CancellationReason.EXPIRED,
            "le pass Culture (expiration automatique)",
            "pas été retirée dans les 30 jours",
            "30 jours",
        ),
        (CancellationReason.FRAUD, "l'équipe pass Culture", "frauduleuse", "suspicion de fraude"),
        (
            CancellationReason.BACKOFFICE,
            "le support pass Culture",
            "le support pass Culture a annulé",
            "support",
        ),
    ],
)
def test_cancellation_tells_both_sides_who_cancelled_and_why(db, reason, who, beneficiary_why, pro_why):
    booking = _booking(stock=StockFactory(offer__name="Nosferatu"))
    booking.mark_as_cancelled(NOW + dt.timedelta(hours=1), reason)
    to_beneficiary = builders.booking_cancelled_to_beneficiary(booking)
    to_pro = builders.booking_cancelled_to_pro(booking)
    assert to_beneficiary.to == [booking.user.email]
    assert to_pro.to == [booking.venue.booking_email]
    assert to_pro.reply_to == [booking.user.email]
    for email, why in ((to_beneficiary, beneficiary_why), (to_pro, pro_why)):
        assert "Nosferatu" in email.subject
        assert f"Annulée par : {who}" in email.text
        assert why in email.text
        assert booking.token in email.text


def test_cancellation_tells_the_beneficiary_the_credit_came_back(db, beneficiary, stock):
    booking = bookings.book_offer(beneficiary, stock.pk, 1)
    booking = bookings.cancel_booking_by_beneficiary(beneficiary, booking.pk)
    email = builders.booking_cancelled_to_beneficiary(booking)
    assert "8\u00a0€ a été recrédité sur votre pass Culture" in email.text


def _booked_before_the_credit_expired(expires_at):
    user = UserFactory()
    DepositFactory(user=user, granted_at=NOW - dt.timedelta(days=700), expires_at=expires_at)
    stock = StockFactory(price_cents=8_00, beginning_datetime=NOW + dt.timedelta(days=10))
    with time_machine.travel(NOW, tick=False):
        return user, bookings.book_offer(user, stock.pk, 1)


def test_cancellation_after_the_credit_expired_says_the_credit_expired(db):
    # The credit ends on 2 December 2026 at midnight in Paris, the beneficiary cancels an hour later.
    user, booking = _booked_before_the_credit_expired(utc(2026, 12, 1, 23, 0))
    with time_machine.travel(utc(2026, 12, 2, 0, 0), tick=False):
        booking = bookings.cancel_booking_by_beneficiary(user, booking.pk)

    email = builders.booking_cancelled_to_beneficiary(booking)

    for body in (email.text, email.html):
        assert "recrédité" not in body
        assert "Votre crédit pass Culture a expiré le 2 décembre 2026" in body
        assert "ne peut plus être dépensé" in body
    assert "le montant de 8\u00a0€ ne peut plus être dépensé" in email.text


def test_cancellation_just_before_the_credit_expired_says_it_is_credited_back(db):
    user, booking = _booked_before_the_credit_expired(utc(2026, 12, 1, 23, 0))
    with time_machine.travel(utc(2026, 12, 1, 22, 59, 59), tick=False):
        booking = bookings.cancel_booking_by_beneficiary(user, booking.pk)

    email = builders.booking_cancelled_to_beneficiary(booking)

    assert "Le montant de 8\u00a0€ a été recrédité sur votre pass Culture." in email.text
    assert "expiré" not in email.text


def test_cancellation_of_a_free_booking_says_nothing_about_the_credit(db, beneficiary):
    stock = StockFactory(price_cents=0, beginning_datetime=NOW + dt.timedelta(days=10))
    with time_machine.travel(NOW, tick=False):
        booking = bookings.book_offer(beneficiary, stock.pk, 1)
        booking = bookings.cancel_booking_by_beneficiary(beneficiary, booking.pk)

    email = builders.booking_cancelled_to_beneficiary(booking)

    assert "recrédité" not in email.text
    assert "ne peut plus être dépensé" not in email.text


def test_expiry_reminder_gives_the_expiry_date_in_the_venue_timezone(db, reunion_venue):
    booking = _booking(
        stock=ThingStockFactory(offer__venue=reunion_venue),
        booked_at=utc(2026, 11, 1, 21, 0),  # 2 November 01h00 in La Réunion
    )
    email = builders.booking_expiry_reminder_to_beneficiary(booking)
    assert email.to == [booking.user.email]
    assert "avant le 2 décembre 2026 à 01h00" in email.text
    assert booking.token in email.text


# --- Cancellation limit in the confirmation: the 48 h rule seen from the email ------------------


def _booked(beneficiary, show_in: dt.timedelta | None):
    stock = ThingStockFactory() if show_in is None else StockFactory(beginning_datetime=NOW + show_in)
    with time_machine.travel(NOW, tick=False):
        return bookings.book_offer(beneficiary, stock.pk, 1)


def test_confirmation_booked_well_ahead_gives_the_limit_48h_after_booking(db, beneficiary):
    booking = _booked(beneficiary, dt.timedelta(days=10))  # Paris: booked 1 Dec at 10h00
    for email in (
        builders.booking_confirmed_to_beneficiary(booking),
        builders.booking_confirmed_to_pro(booking),
    ):
        assert "jusqu'au 3 décembre 2026 à 10h00" in email.text
        assert "définitive" not in email.text


def test_confirmation_booked_72h_before_gives_the_limit_48h_before_the_show(db, beneficiary):
    booking = _booked(beneficiary, dt.timedelta(hours=72))  # show 4 Dec at 10h00, limit 2 Dec at 10h00
    for email in (
        builders.booking_confirmed_to_beneficiary(booking),
        builders.booking_confirmed_to_pro(booking),
    ):
        assert "jusqu'au 2 décembre 2026 à 10h00" in email.text
        assert "définitive" not in email.text


def test_confirmation_booked_at_the_last_minute_says_it_is_final(db, beneficiary):
    booking = _booked(beneficiary, dt.timedelta(hours=47))
    assert booking.cancellation_limit_datetime == booking.booked_at
    to_beneficiary = builders.booking_confirmed_to_beneficiary(booking)
    to_pro = builders.booking_confirmed_to_pro(booking)
    for body in (to_beneficiary.text, to_beneficiary.html.replace("&#x27;", "'")):
        assert "Réservation définitive" in body
        assert "elle n'est plus annulable." in body
        assert "jusqu'au" not in body
    for body in (to_pro.text, to_pro.html.replace("&#x27;", "'")):
        assert "Réservation définitive : le bénéficiaire ne peut plus l'annuler" in body
        assert "jusqu'au" not in body


def test_confirmation_of_a_thing_is_never_final(db, beneficiary):
    booking = _booked(beneficiary, None)
    for email in (
        builders.booking_confirmed_to_beneficiary(booking),
        builders.booking_confirmed_to_pro(booking),
    ):
        assert "définitive" not in email.text
        assert "tant que la réservation n'a pas été retirée" in email.text


# --- Cancellation: a deleted showtime, the offerer's own words ------------------------------------


def test_cancellation_of_a_deleted_showtime_does_not_offer_the_place_again(db):
    booking = _booking(stock=StockFactory(is_deleted=True))
    booking.mark_as_cancelled(NOW, CancellationReason.OFFERER)
    to_pro = builders.booking_cancelled_to_pro(booking)
    for body in (to_pro.text, to_pro.html):
        assert "La séance a été supprimée" in body
        assert "de nouveau disponible" not in body
    to_beneficiary = builders.booking_cancelled_to_beneficiary(booking)
    assert f"Motif : {booking.venue.display_name} a supprimé la séance." in to_beneficiary.text


def test_cancellation_of_a_showtime_still_on_sale_offers_the_place_again(db):
    booking = _booking(stock=StockFactory())
    booking.mark_as_cancelled(NOW, CancellationReason.BENEFICIARY)
    to_pro = builders.booking_cancelled_to_pro(booking)
    assert "la place est de nouveau disponible" in to_pro.text
    assert "supprimée" not in to_pro.text


def test_cancellation_carries_the_offerer_message_to_both_sides(db):
    booking = _booking(stock=StockFactory(offer__venue__name="Le Méliès"))
    booking.mark_as_cancelled(NOW, CancellationReason.OFFERER)
    message = "Panne du projecteur <b>numérique</b>."
    to_beneficiary = builders.booking_cancelled_to_beneficiary(booking, message=message)
    to_pro = builders.booking_cancelled_to_pro(booking, message=message)
    assert f"Message de Le Méliès : {message}" in to_beneficiary.text
    assert "Panne du projecteur &lt;b&gt;numérique&lt;/b&gt;." in to_beneficiary.html
    assert f"Message transmis au bénéficiaire : {message}" in to_pro.text

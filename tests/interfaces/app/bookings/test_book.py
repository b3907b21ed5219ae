"""The booking page /reserver/<stock_id>/: what it shows, each refusal in plain French, never a 500."""

import datetime as dt
import html

import pytest
from django.urls import reverse

from passculture.core.bookings.models import Booking
from passculture.core.bookings.services import book_offer
from passculture.core.credit.factories import DepositFactory
from passculture.core.credit.selectors import balance_of
from passculture.core.offerers.constants import ValidationStatus
from passculture.core.offerers.factories import VenueFactory
from passculture.core.offers.factories import StockFactory
from passculture.core.offers.models import Stock
from passculture.core.users.factories import ProFactory, UserFactory
from tests.conftest import utc

from .conftest import NOW

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]
H = dt.timedelta(hours=1)


def book_url(stock) -> str:
    return reverse("app:book", args=[stock.pk])


def _page(response) -> str:
    # Text as read on screen (Django escapes apostrophes in the markup).
    return html.unescape(response.content.decode())


@pytest.fixture
def showtime():
    venue = VenueFactory(
        name="Ciné Lumière Bellecour", address="12 rue de la République", postal_code="69002", city="Lyon"
    )
    # 19:30 UTC is 20:30 in Paris in March.
    return StockFactory(
        offer__venue=venue,
        offer__name="Orbite basse",
        offer__is_duo=True,
        price_cents=7_50,
        beginning_datetime=utc(2026, 3, 20, 19, 30),
        version="VO",
    )


def test_the_urls_are_the_contract():
    assert reverse("app:book", args=[3]) == "/reserver/3/"


def test_an_anonymous_visitor_is_sent_to_log_in_and_back(client, showtime):
    response = client.get(book_url(showtime))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('app:login')}?next=/reserver/{showtime.pk}/"


def test_a_pro_is_told_this_is_the_beneficiaries_page(client, showtime):
    client.force_login(ProFactory())
    response = client.get(book_url(showtime))
    assert response.status_code == 403
    assert "réservé aux jeunes bénéficiaires" in _page(response)


def test_the_page_shows_the_film_cinema_showtime_version_price_and_credit(logged_in, showtime):
    page = _page(logged_in.get(book_url(showtime)))
    assert "Réserver « Orbite basse »" in page
    assert "Ciné Lumière Bellecour" in page
    assert "12 rue de la République, 69002 Lyon" in page
    assert "vendredi 20 mars 2026 à 20h30" in page
    assert "Version originale" in page
    assert "7,50\u00a0€ la place" in page
    assert "300\u00a0€" in page  # the remaining credit
    # A duo offer: one or two places, each with its total and what would remain.
    assert 'name="quantity" value="1" id="quantity-1" checked' in page
    assert 'name="quantity" value="2"' in page
    assert "15\u00a0€" in page and "285\u00a0€" in page
    assert "Tu pourras annuler jusqu'au 12 mars 2026 à 13h00." in page
    assert "Confirmer la réservation" in page
    assert 'data-code="FINAL_AT_ONCE"' not in page


def test_a_duo_offer_offers_one_or_two_places_as_radios_with_their_total(logged_in, showtime):
    page = _page(logged_in.get(book_url(showtime)))
    assert '<legend class="fr-fieldset__legend fr-fieldset__legend--regular" id="quantity-legend">' in page
    assert page.count('class="fr-radio-group') == 2
    assert '1 place</span> : <strong class="bk-choice-price">7,50\u00a0€</strong>' in page
    assert '2 places (duo)</span> : <strong class="bk-choice-price">15\u00a0€</strong>' in page
    assert "Il te restera 292,50\u00a0€" in page and "Il te restera 285\u00a0€" in page


def test_a_solo_offer_books_one_place_only(logged_in):
    page = _page(logged_in.get(book_url(StockFactory(price_cents=7_50))))
    assert '<input type="hidden" name="quantity" value="1">' in page
    assert 'value="2"' not in page
    assert "1 place : <strong>7,50\u00a0€</strong>" in page


def test_an_overseas_showtime_is_in_local_time(logged_in):
    venue = VenueFactory(
        city="Saint-Denis", postal_code="97400", department_code="974", timezone="Indian/Reunion"
    )
    stock = StockFactory(offer__venue=venue, beginning_datetime=utc(2026, 3, 20, 16, 30))
    page = _page(logged_in.get(book_url(stock)))
    assert "vendredi 20 mars 2026 à 20h30" in page
    assert "(heure locale)" in page


def test_confirming_books_and_leads_to_the_confirmation(logged_in, beneficiary, showtime):
    response = logged_in.post(book_url(showtime), {"quantity": "2"})
    booking = Booking.objects.get(user=beneficiary)
    assert response.status_code == 302
    assert response["Location"] == reverse("app:booking", args=[booking.pk])
    assert (booking.quantity, booking.total_amount_cents) == (2, 15_00)
    assert balance_of(beneficiary).remaining_cents == 285_00


def test_a_second_submit_shows_the_booking_already_made(logged_in, beneficiary, showtime):
    logged_in.post(book_url(showtime), {"quantity": "1"})
    response = logged_in.post(book_url(showtime), {"quantity": "1"}, follow=True)
    booking = Booking.objects.get(user=beneficiary)
    assert response.redirect_chain == [(reverse("app:booking", args=[booking.pk]), 302)]
    assert "Tu as déjà réservé ce film : voici ta réservation." in _page(response)
    assert Booking.objects.filter(user=beneficiary).count() == 1
    assert balance_of(beneficiary).remaining_cents == 292_50


def test_the_csrf_token_is_required(client, beneficiary, showtime):
    csrf_client = type(client)(enforce_csrf_checks=True)
    csrf_client.force_login(beneficiary)
    assert csrf_client.post(book_url(showtime), {"quantity": "1"}).status_code == 403
    assert not Booking.objects.exists()


@pytest.mark.parametrize("quantity", ["3", "0", "deux", ""])
def test_a_bad_quantity_is_a_form_error(logged_in, showtime, quantity):
    response = logged_in.post(book_url(showtime), {"quantity": quantity})
    assert response.status_code == 400
    page = _page(response)
    assert "Confirmer la réservation" in page
    assert (
        "Choisis le nombre de places." if not quantity else "une seule place (deux pour une offre duo)"
    ) in page
    assert not Booking.objects.exists()


def test_two_places_of_a_solo_offer_are_refused_by_the_form(logged_in):
    stock = StockFactory()
    response = logged_in.post(book_url(stock), {"quantity": "2"})
    assert response.status_code == 400
    assert not Booking.objects.exists()


def test_an_unknown_showtime_is_404(logged_in):
    assert logged_in.get("/reserver/999999/").status_code == 404


def test_a_showtime_of_a_cinema_not_yet_validated_is_404(logged_in):
    stock = StockFactory(offer__venue__validation_status=ValidationStatus.PENDING)
    assert logged_in.get(book_url(stock)).status_code == 404
    assert logged_in.post(book_url(stock), {"quantity": "1"}).status_code == 404


# --- Refusals, told before confirming (no button) -------------------------------------------------


def _refusal_page(client, stock):
    response = client.get(book_url(stock))
    assert response.status_code == 200
    page = _page(response)
    assert "Confirmer la réservation" not in page
    return page


def test_no_credit_yet_explains_and_links_to_the_identity_check(client):
    user = UserFactory()
    client.force_login(user)
    page = _refusal_page(client, StockFactory())
    assert "Tu n'as pas encore de crédit pass Culture : fais d'abord vérifier ton identité." in page
    assert 'data-code="NO_DEPOSIT"' in page
    identity = reverse("app:identity")
    assert f'href="{identity}"' in page


def _expired_beneficiary(client):
    user = UserFactory()
    DepositFactory(user=user, granted_at=NOW - dt.timedelta(days=731))
    client.force_login(user)
    return user


def test_an_expired_credit_refuses_a_paid_showtime_and_says_free_ones_remain(client):
    _expired_beneficiary(client)
    page = _refusal_page(client, StockFactory(price_cents=7_50))
    assert 'data-code="DEPOSIT_EXPIRED"' in page
    assert (
        "Ton crédit pass Culture a expiré : tu ne peux plus réserver d'offre payante. "
        "Les séances gratuites restent réservables." in page
    )
    assert "seules les séances gratuites restent réservables" in page


def test_an_expired_credit_is_told_before_booking_a_free_showtime_that_it_can(client):
    user = _expired_beneficiary(client)
    stock = StockFactory(price_cents=0, offer__name="Ciné-club du mardi")

    page = _page(client.get(book_url(stock)))

    assert 'data-code="FREE_OFFERS_ONLY"' in page
    assert "Ton crédit pass Culture a expiré, mais cette séance est gratuite : tu peux la réserver." in page
    assert "Séance gratuite : rien n'est débité de ton crédit pass Culture." in page
    assert "Confirmer la réservation" in page

    response = client.post(book_url(stock), {"quantity": "1"})

    booking = Booking.objects.get(user=user)
    assert response.status_code == 302
    assert response["Location"] == reverse("app:booking", args=[booking.pk])
    assert booking.total_amount_cents == 0


def test_not_enough_credit(logged_in):
    page = _refusal_page(logged_in, StockFactory(price_cents=300_01))
    assert "Le solde de ton pass Culture est insuffisant pour cette réservation." in page
    assert "Il te reste 300\u00a0€" in page


def test_already_booked_links_to_the_booking(logged_in, beneficiary):
    stock = StockFactory()
    booking = book_offer(beneficiary, stock.pk)
    page = _refusal_page(logged_in, StockFactory(offer=stock.offer))
    assert "Tu as déjà réservé cette offre." in page
    assert f'href="{reverse("app:booking", args=[booking.pk])}"' in page
    assert booking.token in page


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"quantity": 10, "booked_quantity": 10},
            "Il n'y a plus assez de places disponibles pour cette séance.",
        ),
        ({"booking_limit_datetime": NOW - H}, "La date limite de réservation de cette offre est dépassée."),
        ({"beginning_datetime": NOW - H}, "Cette séance a déjà commencé."),
        ({"offer__is_active": False}, "Cette offre n'est plus disponible."),
        ({"is_deleted": True}, "Cette séance a été supprimée."),
    ],
)
def test_a_showtime_that_cannot_be_booked_says_why(logged_in, fields, message):
    assert message in _refusal_page(logged_in, StockFactory(**fields))


def test_two_places_beyond_the_credit_leave_one_place_bookable(logged_in):
    stock = StockFactory(offer__is_duo=True, price_cents=200_00)
    page = _page(logged_in.get(book_url(stock)))
    assert 'id="quantity-2" disabled' in page
    assert "Le solde de ton pass Culture est insuffisant pour cette réservation." in page
    assert 'id="quantity-1" checked' in page
    assert "Confirmer la réservation" in page


# --- Refusals at confirmation (someone was faster): the error, the form kept --------------------------


def test_the_last_places_taken_meanwhile(logged_in, beneficiary, showtime):
    Stock.objects.filter(pk=showtime.pk).update(quantity=1, booked_quantity=0)
    page_before = _page(logged_in.get(book_url(showtime)))
    assert "Confirmer la réservation" in page_before
    Stock.objects.filter(pk=showtime.pk).update(booked_quantity=1)

    response = logged_in.post(book_url(showtime), {"quantity": "1"})

    assert response.status_code == 400
    page = _page(response)
    assert "Réservation impossible." in page
    assert "Il n'y a plus assez de places disponibles pour cette séance." in page
    assert not Booking.objects.exists()


def test_two_places_refused_for_credit_keep_the_form_with_the_choice(logged_in, beneficiary):
    stock = StockFactory(offer__is_duo=True, price_cents=100_00)
    book_offer(beneficiary, StockFactory(price_cents=150_00).pk)  # 150 left: one place fits, two do not

    response = logged_in.post(book_url(stock), {"quantity": "2"})

    assert response.status_code == 400
    page = _page(response)
    assert "Le solde de ton pass Culture est insuffisant pour cette réservation." in page
    assert "Confirmer la réservation" in page
    assert balance_of(beneficiary).remaining_cents == 150_00


def test_credit_granted_nowhere_at_confirmation_is_403_with_the_link(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(book_url(StockFactory()), {"quantity": "1"})
    assert response.status_code == 403
    assert 'data-code="NO_DEPOSIT"' in _page(response)


# --- Final at once: booked 48 h or less before the show ---------------------------------------------


@pytest.mark.parametrize(
    ("show_in", "final"),
    [
        (48 * H + dt.timedelta(minutes=1), False),
        (48 * H, True),
        (48 * H - dt.timedelta(minutes=1), True),
        (3 * H, True),
    ],
)
def test_a_showtime_48_hours_or_less_ahead_warns_that_the_booking_is_final(logged_in, show_in, final):
    page = _page(logged_in.get(book_url(StockFactory(beginning_datetime=NOW + show_in))))
    assert ('data-code="FINAL_AT_ONCE"' in page) is final
    assert ("Cette réservation ne pourra pas être annulée" in page) is final
    assert ("Réserver sans annulation possible" in page) is final
    assert ("Confirmer la réservation" in page) is not final
    if not final:
        # One minute to change one's mind: the limit said, no warning.
        assert "Tu pourras annuler jusqu'au 10 mars 2026 à 13h01." in page


def test_the_final_warning_sits_right_above_the_confirm_button_and_describes_it(logged_in):
    page = _page(logged_in.get(book_url(StockFactory(beginning_datetime=NOW + 5 * H))))
    warning = page.index('id="final-at-once"')
    button = page.index('aria-describedby="final-at-once">Réserver sans annulation possible</button>')
    assert warning < button
    # Nothing else between them but the end of the warning.
    assert "<input" not in page[warning:button] and "<fieldset" not in page[warning:button]
    assert "Tu ne pourras pas l'annuler ni récupérer ton crédit si tu ne viens pas." in page


def test_a_final_booking_is_made_and_cannot_be_cancelled_even_at_once(logged_in, beneficiary):
    stock = StockFactory(beginning_datetime=NOW + 48 * H)
    logged_in.post(book_url(stock), {"quantity": "1"})
    booking = Booking.objects.get(user=beneficiary)
    assert booking.cancellation_limit_datetime == NOW
    ticket = _page(logged_in.get(reverse("app:booking", args=[booking.pk])))
    assert "Annulation impossible" in ticket
    assert 'data-code="FINAL_AT_BOOKING"' in ticket
    assert "Annuler la réservation" not in ticket


def test_a_cinema_card_is_never_final_at_once(logged_in):
    from passculture.core.offers.factories import ThingStockFactory

    page = _page(logged_in.get(book_url(ThingStockFactory())))
    assert 'data-code="FINAL_AT_ONCE"' not in page
    assert "Tu pourras annuler tant que la réservation n'aura pas été utilisée." in page
